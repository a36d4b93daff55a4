#!/usr/bin/env python3
"""PyTorch peer for `./gmvae bench train`: the same GMVAE training step as gmvae4j, timed.

One step = forward + backward + Adam on one batch, after warm-up, exactly the architecture and
loss of gmvae4j (DESIGN.md section 3):

  mixture   encoder 784-H1-H2 -> (mu, logvar) of z; decoder z-H2-H1-784 (ReLU);
            learnable mu_c, logvar_c (K x z); uniform pi; gamma = softmax(log pi + log N(z; mu_c, var_c))
            loss = BCE + sum_c gamma_c KL-ish term - entropy term + sum_c gamma_c (log gamma_c - log pi_c)
  marginal  shared trunk 784-H.. (ReLU between layers, the last layer linear, as gmvae4j's
            MarginalGmvae and the study); q(c|x) softmax head; K heads (mu_c(x), logvar_c(x)) as one linear
            layer of width K*2z; decoder run on all B*K codes; exact sum over c.

The peer is given its best settings, not its defaults: OMP_WAIT_POLICY=PASSIVE (set below, before
torch is imported; on a 2-core machine it more than halves the step time at these sizes), a
malloc that keeps freed memory (below: best_allocator), and the thread count the Java side asks
for (ours, and 1 where ours is more). Its products go through OpenBLAS, whose kernel is fixed when
the library loads (OPENBLAS_CORETYPE, else the CPU): the Java side starts this script with the
CPU's best core type when the environment pins an older one (see OpenBlasCore.java), and the
JSON says which kernel ran ("blas_core", from openblas_get_corename) and which of ATen's own
vector kernels torch chose ("cpu_capability"). Prints one JSON object on stdout.

usage: gmvae_step.py --variant mixture|marginal --k 100 --z 32 --hidden 512,512 --batch 128 \
                     --threads 2 [--steps 50] [--warmup 10] [--device cpu|cuda]
"""
import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# tcmalloc, then jemalloc, where installed (Debian: libtcmalloc-minimal4, libjemalloc2)
MALLOCS = [("tcmalloc", "libtcmalloc_minimal.so.4"), ("tcmalloc", "libtcmalloc.so.4"), ("jemalloc", "libjemalloc.so.2")]
LIB_DIRS = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]


def best_allocator():
    """The malloc this process runs on; re-executes itself first to get the best one.

    PyTorch allocates every intermediate tensor of a step afresh. glibc's malloc serves the large
    ones (above 128 KiB) with mmap and returns them with munmap, so each step faults its memory
    in again: on the 2-core Zen 5 VM the mixture step spent most of its time in the kernel
    (median 13.0 ms on two threads, 11.7 on one). PyTorch's CPU tuning guide recommends tcmalloc
    or jemalloc; with tcmalloc the same step took 9.8 and 7.6 ms, with glibc told to keep freed
    memory (the fallback below, no install needed) 9.2 and 8.5. The library is preloaded, so the
    script starts once more with it; GMVAE_PEER_ALLOCATOR says which ran, and set beforehand
    (e.g. to "default") keeps the process as it is.
    """
    if "GMVAE_PEER_ALLOCATOR" in os.environ:
        return os.environ["GMVAE_PEER_ALLOCATOR"]
    env = dict(os.environ)
    preload = env.get("LD_PRELOAD", "")
    name = None
    if "malloc" in preload:
        name = "the user's LD_PRELOAD"
    else:
        for lib_name, lib in MALLOCS:
            path = next((os.path.join(d, lib) for d in LIB_DIRS if os.path.exists(os.path.join(d, lib))), None)
            if path:
                name = lib_name
                env["LD_PRELOAD"] = path + (":" + preload if preload else "")
                break
    if name is None:
        name = "glibc, freed memory kept"
        env.setdefault("MALLOC_MMAP_THRESHOLD_", str(1 << 30))
        env.setdefault("MALLOC_TRIM_THRESHOLD_", str((1 << 31) - 1))
        env.setdefault("MALLOC_TOP_PAD_", str(1 << 28))
    env["GMVAE_PEER_ALLOCATOR"] = name
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


ALLOCATOR = best_allocator()

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LOG2PI = math.log(2 * math.pi)
LOGVAR_MIN, LOGVAR_MAX = -10.0, 10.0


def mlp(sizes, last_act=False):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2 or last_act:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class Mixture(nn.Module):
    def __init__(self, k, z, hidden, d=784):
        super().__init__()
        self.enc = mlp([d] + hidden, last_act=True)
        self.head = nn.Linear(hidden[-1], 2 * z)
        self.dec = mlp([z] + hidden[::-1] + [d])
        self.mu_c = nn.Parameter(torch.randn(k, z))
        self.logvar_c = nn.Parameter(torch.zeros(k, z))
        self.k, self.z = k, z

    def loss(self, x):
        mu, logvar = self.head(self.enc(x)).chunk(2, dim=1)
        logvar = logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        rec = F.binary_cross_entropy_with_logits(self.dec(z), x, reduction="none").sum(1)
        lv_c = self.logvar_c.clamp(LOGVAR_MIN, LOGVAR_MAX)
        inv = torch.exp(-lv_c)                                     # K x z
        const_c = self.z * LOG2PI + lv_c.sum(1) + (self.mu_c ** 2 * inv).sum(1)
        mu_inv = self.mu_c * inv
        log_pi = -math.log(self.k)
        # log N(z; mu_c, var_c) for every (image, component): two matmuls, B x K
        log_n = -0.5 * ((z ** 2) @ inv.t() - 2 * z @ mu_inv.t() + const_c)
        log_gamma = F.log_softmax(log_pi + log_n, dim=1)
        gamma = log_gamma.exp()
        var = torch.exp(logvar)
        # sum_c gamma_c * 1/2 sum_j [log2pi + logvar_cj + (var_j + (mu_j - mu_cj)^2) / var_cj]
        cross = 0.5 * ((var + mu ** 2) @ inv.t() - 2 * mu @ mu_inv.t() + const_c)
        kl_z = (gamma * cross).sum(1)
        ent = -0.5 * (1 + LOG2PI + logvar).sum(1)
        cat = (gamma * (log_gamma - log_pi)).sum(1)
        return (rec + kl_z + ent + cat).mean()


class Marginal(nn.Module):
    def __init__(self, k, z, hidden, d=784):
        super().__init__()
        self.trunk = mlp([d] + hidden)   # last trunk layer linear, like MarginalGmvae
        self.head_c = nn.Linear(hidden[-1], k)
        self.head_z = nn.Linear(hidden[-1], k * 2 * z)
        self.dec = mlp([z] + hidden[::-1] + [d])
        self.mu_c = nn.Parameter(torch.randn(k, z))
        self.logvar_c = nn.Parameter(torch.zeros(k, z))
        self.k, self.z = k, z

    def loss(self, x):
        b = x.shape[0]
        h = self.trunk(x)
        log_q = F.log_softmax(self.head_c(h), dim=1)               # B x K
        q = log_q.exp()
        mu, logvar = self.head_z(h).view(b, self.k, 2 * self.z).chunk(2, dim=2)
        logvar = logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)
        zc = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)    # B x K x z
        logits = self.dec(zc.reshape(b * self.k, self.z)).view(b, self.k, -1)
        rec = F.binary_cross_entropy_with_logits(logits, x.unsqueeze(1).expand_as(logits),
                                                 reduction="none").sum(2)
        lv_c = self.logvar_c.clamp(LOGVAR_MIN, LOGVAR_MAX)
        kl = 0.5 * (lv_c - logvar + (logvar.exp() + (mu - self.mu_c) ** 2) / lv_c.exp() - 1).sum(2)
        log_p = -math.log(self.k)
        return (q * (rec + kl + log_q - log_p)).sum(1).mean()


def openblas_info():
    """(corename, config, threads) of the OpenBLAS this process loaded (torch's BLAS), or Nones.

    Its threads are its own: torch.set_num_threads sets ATen's (the elementwise kernels and
    torch's other parallel loops), and a pthreads OpenBLAS keeps as many as the machine has cores
    (OPENBLAS_NUM_THREADS aside) for the products.
    """
    import ctypes
    try:
        with open("/proc/self/maps") as f:
            # e.g. .../openblas-pthread/libopenblasp-r0.3.21.so, which libblas.so.3 forwards to
            paths = sorted({line.split()[-1] for line in f if "/libopenblas" in line and ".so" in line})
    except OSError:
        return None, None, None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return (lib.openblas_get_corename().decode().strip(), lib.openblas_get_config().decode().strip(),
                    lib.openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return None, None, None


def cpu_capability():
    """ATen's vector kernel set ("AVX2", "AVX512", ...), as torch.__config__.show() names it."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=["mixture", "marginal"], default="mixture")
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--z", type=int, default=32)
    ap.add_argument("--hidden", default="512,512")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--lr", type=float, default=2e-3)
    # cuda: the same step on a GPU (the peer of `bench train --backend cuda`); loss.item() waits for the device
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    hidden = [int(h) for h in a.hidden.split(",")]
    model = (Mixture if a.variant == "mixture" else Marginal)(a.k, a.z, hidden).to(a.device)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    # pixels in [0,1], like x/255 of real images (the step time does not depend on the values)
    data = (torch.randint(0, 256, (a.batch * 8, 784), dtype=torch.uint8).float() / 255.0).to(a.device)

    def step(i):
        x = data[(i % 8) * a.batch:((i % 8) + 1) * a.batch]
        opt.zero_grad(set_to_none=True)
        loss = model.loss(x)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(a.warmup):
        step(i)
    times = []
    for i in range(a.steps):
        t0 = time.perf_counter()
        loss = step(i)
        times.append(time.perf_counter() - t0)
        if not math.isfinite(loss):
            print(json.dumps({"error": "loss became %r" % loss}))
            return 1
    times.sort()
    core, config, blas_threads = openblas_info()
    print(json.dumps({
        "variant": a.variant, "k": a.k, "z": a.z, "hidden": hidden, "batch": a.batch,
        "threads": a.threads, "device": str(data.device), "blas_threads": blas_threads, "steps": a.steps,
        "ms_per_step": 1000 * times[len(times) // 2],
        "ms_min": 1000 * times[0],
        "torch": torch.__version__, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"), "blas_core": core, "blas_config": config,
        "cpu_capability": cpu_capability(), "allocator": ALLOCATOR,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
