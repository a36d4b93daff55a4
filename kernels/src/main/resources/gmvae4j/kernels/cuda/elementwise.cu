// Elementwise and row kernels for gmvae4j's device-resident path, loaded at run time by
// CudaElementwise through the CUDA driver API (cuModuleLoadData) from the PTX that nvcc
// makes of this file. Regenerate elementwise.ptx after editing (no GPU needed):
//
//   nvcc -ptx --gpu-architecture=compute_75 -o elementwise.ptx elementwise.cu
//
// compute_75 PTX is compiled ("JIT") by the driver for whatever GPU it finds (Turing and
// newer). Semantics match gmvae4j.kernels.Kernels; pointers already include offsets.
// "Backward" kernels accumulate (gx +=), like their CPU twins.
//
// Every kernel uses a grid-stride loop, so any grid size is correct.

#define FOR_EACH(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)

__device__ __forceinline__ float sigmoidf(float x) {
    // split on sign so expf never overflows
    if (x >= 0.f) return 1.f / (1.f + expf(-x));
    float e = expf(x);
    return e / (1.f + e);
}

__device__ __forceinline__ float softplusf(float x) {
    return fmaxf(x, 0.f) + log1pf(expf(-fabsf(x)));
}

extern "C" {

__global__ void gmvae_add(int n, const float *a, const float *b, float *out) { FOR_EACH(i, n) out[i] = a[i] + b[i]; }
__global__ void gmvae_sub(int n, const float *a, const float *b, float *out) { FOR_EACH(i, n) out[i] = a[i] - b[i]; }
__global__ void gmvae_mul_acc(int n, const float *a, const float *b, float *acc) { FOR_EACH(i, n) acc[i] += a[i] * b[i]; }

__global__ void gmvae_exp(int n, const float *x, float *out) { FOR_EACH(i, n) out[i] = expf(x[i]); }
__global__ void gmvae_log(int n, const float *x, float *out) { FOR_EACH(i, n) out[i] = logf(x[i]); }
__global__ void gmvae_relu(int n, const float *x, float *out) { FOR_EACH(i, n) out[i] = fmaxf(x[i], 0.f); }
__global__ void gmvae_sigmoid(int n, const float *x, float *out) { FOR_EACH(i, n) out[i] = sigmoidf(x[i]); }
__global__ void gmvae_tanh(int n, const float *x, float *out) { FOR_EACH(i, n) out[i] = tanhf(x[i]); }
__global__ void gmvae_softplus(int n, const float *x, float *out) { FOR_EACH(i, n) out[i] = softplusf(x[i]); }

__global__ void gmvae_relu_backward(int n, const float *x, const float *gy, float *gx) {
    FOR_EACH(i, n) if (x[i] > 0.f) gx[i] += gy[i];
}
__global__ void gmvae_sigmoid_backward(int n, const float *y, const float *gy, float *gx) {
    FOR_EACH(i, n) gx[i] += gy[i] * y[i] * (1.f - y[i]);
}
__global__ void gmvae_tanh_backward(int n, const float *y, const float *gy, float *gx) {
    FOR_EACH(i, n) gx[i] += gy[i] * (1.f - y[i] * y[i]);
}
__global__ void gmvae_softplus_backward(int n, const float *x, const float *gy, float *gx) {
    FOR_EACH(i, n) gx[i] += gy[i] * sigmoidf(x[i]);
}

// out[i,j] = x[i,j] + row[j], row-major rows x cols
__global__ void gmvae_add_row(int rows, int cols, const float *x, const float *row, float *out) {
    FOR_EACH(i, rows * cols) out[i] = x[i] + row[i % cols];
}

// One thread per row: fine for the model's narrow rows (K = 100 components), stable (max first).
__global__ void gmvae_row_softmax(int rows, int cols, const float *x, float *out) {
    FOR_EACH(r, rows) {
        const float *xr = x + (long long)r * cols;
        float *orow = out + (long long)r * cols;
        float mx = -INFINITY;
        for (int j = 0; j < cols; j++) mx = fmaxf(mx, xr[j]);
        float s = 0.f;
        for (int j = 0; j < cols; j++) { float e = expf(xr[j] - mx); orow[j] = e; s += e; }
        float inv = 1.f / s;
        for (int j = 0; j < cols; j++) orow[j] *= inv;
    }
}

// Per-element BCE from logits (summed by the caller, e.g. a ones-vector product) and its gradient.
__global__ void gmvae_bce_with_logits(int n, const float *logits, const float *targets,
                                      float *loss, float *grad, float scale) {
    FOR_EACH(i, n) {
        float l = logits[i], t = targets[i];
        loss[i] = fmaxf(l, 0.f) - l * t + log1pf(expf(-fabsf(l)));
        grad[i] = scale * (sigmoidf(l) - t);
    }
}

// One bias-corrected Adam step, decoupled weight decay; bc1 = 1 - beta1^t, bc2 = 1 - beta2^t.
__global__ void gmvae_adam(int n, float *p, const float *g, float *m, float *v, float lr, float beta1,
                           float beta2, float eps, float weight_decay, float bc1, float bc2) {
    FOR_EACH(i, n) {
        float gi = g[i];
        float mi = beta1 * m[i] + (1.f - beta1) * gi;
        float vi = beta2 * v[i] + (1.f - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float update = (mi / bc1) / (sqrtf(vi / bc2) + eps);
        p[i] -= lr * (update + weight_decay * p[i]);
    }
}

}  // extern "C"
