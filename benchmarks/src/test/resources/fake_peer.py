# A stand-in for peers/gmvae_step.py in tests: no torch, no timing. It answers like the real one,
# reporting as its "BLAS core" the environment variable the test sets for the best-kernel run, and
# as its ATen kernels ATEN_CPU_CAPABILITY when set (then taking GMVAE_FAKE_ATEN_MS per step, if given),
# and GMVAE_FAKE_ONE_THREAD_MS per step when run on one thread, if given; --device X is reported
# back as "device" ("cuda" as "cuda:0", as torch names it).
import json, os, sys
ms = 2.5 if os.environ.get("GMVAE_FAKE_CORE") else 5.0
cap = os.environ.get("ATEN_CPU_CAPABILITY")
if cap:
    ms = float(os.environ.get("GMVAE_FAKE_ATEN_MS", ms))
threads = sys.argv[sys.argv.index("--threads") + 1]
if threads == "1" and os.environ.get("GMVAE_FAKE_ONE_THREAD_MS"):
    ms = float(os.environ["GMVAE_FAKE_ONE_THREAD_MS"])
device = sys.argv[sys.argv.index("--device") + 1] if "--device" in sys.argv else "cpu"
print(json.dumps({"ms_per_step": ms, "device": "cuda:0" if device == "cuda" else device,
                  "blas_core": os.environ.get("GMVAE_FAKE_CORE", "UserCore"),
                  "cpu_capability": cap.upper() if cap else "AVX2",
                  "allocator": "fake-malloc", "blas_threads": 2,
                  "argv": sys.argv[1:]}))
