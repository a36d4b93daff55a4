# A stand-in for peers/gmvae_step.py in tests: no torch, no timing. It answers like the real one,
# reporting as its "BLAS core" the environment variable the test sets for the best-kernel run.
import json, os, sys
print(json.dumps({"ms_per_step": 2.5 if os.environ.get("GMVAE_FAKE_CORE") else 5.0,
                  "blas_core": os.environ.get("GMVAE_FAKE_CORE", "UserCore"), "cpu_capability": "AVX2",
                  "argv": sys.argv[1:]}))
