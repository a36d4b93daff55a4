#!/usr/bin/python3
"""Writes engine/src/test/resources/reference/tiny_vae.txt: inputs, outputs and gradients of a small
fixed network computed with PyTorch, which ReferenceAgainstPyTorchTest compares the engine against.

Network (batch 4): h = relu(x W1 + b1); logits = h W2 + b2; [mu | logvar] = h W3 + b3;
loss = mean over rows of ( BCE-with-logits(logits, x) summed over pixels + KL(N(mu, e^logvar) || N(0, I)) ).
Weights are stored [in, out] like gmvae4j's Linear (PyTorch's own layout is [out, in]).

Run with Debian's torch:  /usr/bin/python3 engine/src/test/python/make_reference.py
"""
import math
import os
import torch

torch.manual_seed(20261124)
B, D, H, Z = 4, 8, 6, 3
x = torch.rand(B, D)                      # pixels in [0, 1], also the BCE targets
x[0, :3] = torch.tensor([0.0, 1.0, 1.0])  # exact 0/1 targets too
W1 = (torch.randn(D, H) * 0.5).requires_grad_()
b1 = (torch.randn(1, H) * 0.1).requires_grad_()
W2 = (torch.randn(H, D) * 0.5).requires_grad_()
b2 = (torch.randn(1, D) * 0.1).requires_grad_()
W3 = (torch.randn(H, 2 * Z) * 0.5).requires_grad_()
b3 = (torch.randn(1, 2 * Z) * 0.1).requires_grad_()

h = torch.relu(x @ W1 + b1)
logits = h @ W2 + b2
enc = h @ W3 + b3
mu, logvar = enc[:, :Z], enc[:, Z:]
bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(dim=1)
kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)
loss = (bce + kl).mean()
loss.backward()

def write_fixture(name, tensors):
    """One line per tensor: name, element count, the values (float32, as repr of the double)."""
    out = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write("# made by engine/src/test/python/make_reference.py with torch %s\n" % torch.__version__)
        for key, t in tensors:
            t = t.detach().reshape(-1)
            f.write("%s %d %s\n" % (key, t.numel(), " ".join(repr(float(v)) for v in t.float())))
    print("wrote", out)

write_fixture("tiny_vae.txt", [("x", x), ("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2), ("W3", W3), ("b3", b3),
                    ("logits", logits), ("mu", mu), ("logvar", logvar), ("bce", bce), ("kl", kl), ("loss", loss),
                    ("grad.W1", W1.grad), ("grad.b1", b1.grad), ("grad.W2", W2.grad), ("grad.b2", b2.grad),
                    ("grad.W3", W3.grad), ("grad.b3", b3.grad)])

# ---- second fixture: a convolution and a transposed convolution (PyTorch weight layouts)
torch.manual_seed(7)
cx = torch.randn(2, 3, 6, 6).requires_grad_()
cw = (torch.randn(4, 3, 3, 3) * 0.3).requires_grad_()
cb = (torch.randn(4) * 0.1).requires_grad_()
tw = (torch.randn(4, 2, 4, 4) * 0.3).requires_grad_()
tb = (torch.randn(2) * 0.1).requires_grad_()
c1 = torch.conv2d(cx, cw, cb, stride=2, padding=1)                     # [2, 4, 3, 3]
c2 = torch.conv_transpose2d(torch.tanh(c1), tw, tb, stride=2, padding=1)  # [2, 2, 6, 6]
closs = (c2 * torch.linspace(-1, 1, c2.numel()).reshape(c2.shape)).sum()
closs.backward()
write_fixture("conv.txt", [("x", cx), ("w", cw), ("b", cb), ("tw", tw), ("tb", tb), ("c1", c1), ("c2", c2), ("loss", closs),
                    ("grad.x", cx.grad), ("grad.w", cw.grad), ("grad.b", cb.grad), ("grad.tw", tw.grad), ("grad.tb", tb.grad)])

# ---- third fixture: the mixture ELBO with a trainable prior (issue 12): the prior's means,
# log-variances and mixing logits alpha receive gradients, through the pairs log-density, the
# responsibilities and a Gaussian KL against each image's assigned component (MixtureElbo.terms
# plus Gaussian.kl, as MixtureGmvae and MarginalGmvae use them).
torch.manual_seed(11)
B, D, Z, K = 5, 6, 3, 4
px = torch.rand(B, D)
plogits = (torch.randn(B, D) * 2).requires_grad_()
pmu = torch.randn(B, Z).requires_grad_()
plv = (torch.rand(B, Z) * 2 - 1).requires_grad_()
peps = torch.randn(B, Z)
kmu = torch.randn(K, Z).requires_grad_()
klv = (torch.rand(K, Z) * 2 - 1).requires_grad_()
alpha = (torch.randn(1, K) * 0.5).requires_grad_()
assign = torch.tensor([0, 3, 1, 3, 2])
LOG_2PI = math.log(2 * math.pi)

z = pmu + torch.exp(0.5 * plv) * peps
log_pi = torch.log_softmax(alpha, dim=1)
def log_density_pairs(pts, m, lv):   # [B,Z] x [K,Z] -> [B,K]
    diff = pts[:, None, :] - m[None, :, :]
    return -0.5 * (LOG_2PI + lv[None, :, :] + diff ** 2 * torch.exp(-lv[None, :, :])).sum(dim=2)
log_gamma = torch.log_softmax(log_density_pairs(z, kmu, klv) + log_pi, dim=1)
gamma = log_gamma.exp()
rec = torch.nn.functional.binary_cross_entropy_with_logits(plogits, px, reduction="none").sum(dim=1)
cross = 0.5 * (plv.exp() @ torch.exp(-klv).T) - log_density_pairs(pmu, kmu, klv)
zprior = (gamma * cross).sum(dim=1)
entropy = -0.5 * (plv + 1 + LOG_2PI).sum(dim=1)
categorical = (gamma * (log_gamma - log_pi)).sum(dim=1)
m2, l2 = kmu[assign], klv[assign]
kl = 0.5 * (l2 - plv + (plv.exp() + (pmu - m2) ** 2) * torch.exp(-l2) - 1).sum(dim=1)
ploss = (rec + zprior + entropy + categorical + kl).mean()
ploss.backward()
write_fixture("mixture_prior.txt", [("x", px), ("logits", plogits), ("mu", pmu), ("logvar", plv), ("eps", peps), ("prior.mu", kmu),
                    ("prior.logvar", klv), ("alpha", alpha), ("assign", assign), ("z", z), ("gamma", gamma),
                    ("rec", rec), ("zprior", zprior), ("entropy", entropy), ("categorical", categorical), ("kl", kl),
                    ("loss", ploss), ("grad.logits", plogits.grad), ("grad.mu", pmu.grad), ("grad.logvar", plv.grad),
                    ("grad.prior.mu", kmu.grad), ("grad.prior.logvar", klv.grad), ("grad.alpha", alpha.grad)])
