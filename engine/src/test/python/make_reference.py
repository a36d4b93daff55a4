#!/usr/bin/python3
"""Writes engine/src/test/resources/reference/tiny_vae.txt: inputs, outputs and gradients of a small
fixed network computed with PyTorch, which ReferenceAgainstPyTorchTest compares the engine against.

Network (batch 4): h = relu(x W1 + b1); logits = h W2 + b2; [mu | logvar] = h W3 + b3;
loss = mean over rows of ( BCE-with-logits(logits, x) summed over pixels + KL(N(mu, e^logvar) || N(0, I)) ).
Weights are stored [in, out] like gmvae4j's Linear (PyTorch's own layout is [out, in]).

Run with Debian's torch:  /usr/bin/python3 engine/src/test/python/make_reference.py
"""
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

out = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", "tiny_vae.txt")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    f.write("# made by engine/src/test/python/make_reference.py with torch %s\n" % torch.__version__)
    def put(name, t):
        t = t.detach().reshape(-1)
        f.write("%s %d %s\n" % (name, t.numel(), " ".join(repr(float(v)) for v in t.float())))
    for name, t in [("x", x), ("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2), ("W3", W3), ("b3", b3),
                    ("logits", logits), ("mu", mu), ("logvar", logvar), ("bce", bce), ("kl", kl), ("loss", loss),
                    ("grad.W1", W1.grad), ("grad.b1", b1.grad), ("grad.W2", W2.grad), ("grad.b2", b2.grad),
                    ("grad.W3", W3.grad), ("grad.b3", b3.grad)]:
        put(name, t)
print("wrote", out)

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
out = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", "conv.txt")
with open(out, "w") as f:
    f.write("# made by engine/src/test/python/make_reference.py with torch %s\n" % torch.__version__)
    def put(name, t):
        t = t.detach().reshape(-1)
        f.write("%s %d %s\n" % (name, t.numel(), " ".join(repr(float(v)) for v in t.float())))
    for name, t in [("x", cx), ("w", cw), ("b", cb), ("tw", tw), ("tb", tb), ("c1", c1), ("c2", c2), ("loss", closs),
                    ("grad.x", cx.grad), ("grad.w", cw.grad), ("grad.b", cb.grad), ("grad.tw", tw.grad), ("grad.tb", tb.grad)]:
        put(name, t)
print("wrote", out)
