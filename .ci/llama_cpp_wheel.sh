#!/usr/bin/env bash
# Build llama-cpp-python once into a wheel folder and print the folder (for PIP_FIND_LINKS). Its PyPI release is
# source only: pip would compile it on every fresh venv, and a native build dies with "Illegal instruction" on
# virtual machines whose CPU announces AMX that the kernel does not enable. This one is built for AVX2 (portable
# to any x86-64 CPU of the last ten years), about 6 minutes on 2 cores, then reused.
set -euo pipefail
version=0.3.36
args="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
key="$(printf '%s %s' "$version" "$args" | sha256sum | cut -c1-10)"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/distill_nb/wheels/llama-cpp-python-$key"
if ! compgen -G "$dir/llama_cpp_python-$version-*.whl" >/dev/null; then
  echo "building llama-cpp-python $version for AVX2 into $dir (once; about 6 minutes on 2 cores)" >&2
  mkdir -p "$dir.part"
  CMAKE_ARGS="$args" python3 -m pip wheel -q --no-deps --no-cache-dir -w "$dir.part" "llama-cpp-python==$version" >&2
  rm -rf "$dir" && mv "$dir.part" "$dir"
fi
echo "$dir"
