#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU: prints the driver, the GPU and its compute capability, stops where
# the ND4J CUDA build has no machine code for it (root pom: nd4j.cuda.capabilities), else runs the CUDA backend's
# contract suite and the notebook for one epoch on CUDA, and prints the figures. Record them in docs/backends.md.
#   backend-cuda/device-check.sh            (from anywhere; needs java 17+, mvn, nvidia-smi; network for the first build)
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nvidia-smi >/dev/null 2>&1 || missing+=("nvidia-smi (the NVIDIA driver's tool: no driver, or not on PATH)")
command -v java >/dev/null 2>&1 || missing+=("java (a JDK 17 or newer)")
command -v mvn >/dev/null 2>&1 || missing+=("mvn (Maven 3.8 or newer)")
if ((${#missing[@]})); then
  printf 'device-check: missing %s; install it and run again\n' "${missing[@]}"
  exit 2
fi

echo "== machine"
date -u +%FT%TZ
java -version 2>&1 | head -1
nvidia-smi --query-gpu=index,name,driver_version,compute_cap,memory.total --format=csv
nvidia-smi | grep -m1 "CUDA Version" || true

served=$(sed -n 's:.*<nd4j.cuda.capabilities>\(.*\)</nd4j.cuda.capabilities>.*:\1:p' pom.xml)
artifact=$(sed -n 's:.*<nd4j.cuda.artifactId>\(.*\)</nd4j.cuda.artifactId>.*:\1:p' pom.xml)
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader -i 0 | tr -d ' ')
name=$(nvidia-smi --query-gpu=name --format=csv,noheader -i 0)
major=${cap%%.*}
minor=${cap#*.}
ok=no
for code in $served; do
  if [ "${code%%.*}" = "$major" ] && [ "${code#*.}" -le "$minor" ]; then ok=yes; fi
done
if [ "$ok" != yes ]; then
  echo "device-check: GPU 0 ($name) has compute capability $cap; org.nd4j:$artifact carries machine code for $served"
  echo "only (no PTX), so it cannot run here. Stopping: use a GPU of a listed major version with an equal or higher"
  echo "minor version, or the CPU backend (the default build)."
  exit 3
fi
echo "GPU 0 ($name), compute capability $cap: served by org.nd4j:$artifact ($served)"

echo "== CUDA backend contract suite (mvn -Pgpu -pl backend-cuda -am test)"
start=$(date +%s)
mvn -B -q -Pgpu -pl backend-cuda -am install -DskipTests || { echo "device-check: the build failed"; exit 4; }
mvn -B -Pgpu -pl backend-cuda test 2>&1 | tee /tmp/device-check-contract.log \
  | grep -E "Tests run:|CUDA backend contract|FAIL|ERROR" | tail -8
echo "contract suite: $(( $(date +%s) - start )) s"
if grep -q "SKIPPED, no usable CUDA runtime" /tmp/device-check-contract.log; then
  echo "device-check: the CUDA backend did not start (reason above); the notebook is not run"
  exit 5
fi

echo "== the notebook, one epoch, on CUDA (mvn -Pcuda package; mnist-app train --epochs 1)"
mvn -B -q -Pcuda -pl mnist-app -am package -DskipTests || { echo "device-check: the cuda build failed"; exit 4; }
java -jar mnist-app/target/mnist-app.jar train --epochs 1 --out /tmp/device-check-run --overwrite 2>&1 \
  | grep -vE "^\s*[0-9]+/[0-9]+ \[" | tail -12
