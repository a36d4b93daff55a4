#!/bin/bash
# The GPU checks, on a machine with an NVIDIA GPU, from the checkout's root, after
# benchmarks/gpu/prepare.sh has filled .device/ (on a machine with Java and Maven):
#   1. the cuda package's tests, CudaGpuTest among them (cuBLAS and our PTX kernels against the
#      scalar kernels);
#   2. cuBLAS sgemm at 4096^3 and the model's shapes, operands resident and through the copy path;
#   3. a marginal training step at K=100, z=100: ours with --backend cuda against PyTorch on the
#      GPU, and ours on the CPU against PyTorch on the CPU (bench train and its peer);
#   4. our sgemm on that machine's CPU against its OpenBLAS, if one is found (bench kernels).
# Logs go to $OUT (default ./gpu-checks).
set -u
OUT=${OUT:-gpu-checks}; mkdir -p "$OUT"
T0=$(date +%s)
t() { echo "== $1 (t=$(( $(date +%s) - T0 )) s)"; }
mkdir -p /tmp/gmvae-jre && tar -xJf .device/jre.tar.xz -C /tmp/gmvae-jre
J=/tmp/gmvae-jre/jre/bin/java
JO="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC"
# NVIDIA's Python wheels (PyTorch's) are one more place to find libcudart and libcublas
SP=$(python3 -c "import site;print(':'.join(site.getsitepackages()))" 2>/dev/null || true)
[ -n "$SP" ] && JO="$JO -Dgmvae.cuda.sitePackages=$SP"
quiet() { grep -v '^WARNING: Using incubator'; }
t host
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
python3 -c "import torch;print('torch',torch.__version__,'cuda',torch.version.cuda,torch.cuda.is_available())" || true
$J $JO -jar .device/gmvae.jar version 2>&1 | quiet
t tests
timeout 180 $J $JO -jar .device/junit.jar execute --class-path .device/kernels-tests:.device/gmvae.jar \
  --select-package gmvae4j.kernels.cuda --details=tree --disable-ansi-colors --disable-banner > "$OUT/gpu-tests.txt" 2>&1
echo "rc=$?"; grep -E "CudaGpuTest|✘|■|tests (successful|failed|aborted|found)" "$OUT/gpu-tests.txt"
t cublas
timeout 120 $J $JO -jar .device/gmvae.jar bench kernels --backend cuda --kernel sgemm --shape 4096x 2>&1 | quiet | tee "$OUT/cublas.txt"
t marginal
# ours with cuBLAS against PyTorch on the GPU, then ours on the CPU against PyTorch on the CPU
for backend in cuda cpu; do
  timeout 200 $J $JO -jar .device/gmvae.jar bench train --backend $backend --variant marginal --z 100 --threads 2 --json \
    > "$OUT/train-$backend.json" 2> "$OUT/train-$backend.err"
  echo "rc=$?"; quiet < "$OUT/train-$backend.err"; cat "$OUT/train-$backend.json"
done
t cpu-sgemm
timeout 200 $J $JO -jar .device/gmvae.jar bench kernels --kernel sgemm --threads 1,2 --json \
  > "$OUT/cpu-sgemm.json" 2> "$OUT/cpu-sgemm.err"
echo "rc=$?"; grep -E "^sgemm|OpenBLAS peer" "$OUT/cpu-sgemm.err"
t done
