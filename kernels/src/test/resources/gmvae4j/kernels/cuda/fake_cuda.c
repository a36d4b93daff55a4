/*
 * A fake CUDA runtime and cuBLAS that run on the CPU, for testing gmvae4j's Java bindings on
 * machines without a GPU. The test compiles this file twice with gcc:
 *   -DFAKE_CUDART  -> libcudart.so.12   (device memory is malloc'ed host memory)
 *   -DFAKE_CUBLAS  -> libcublas.so.12   (column-major BLAS written from the cuBLAS docs)
 * Variants: -DFAKE_DEVICES=N (default 1), -DFAKE_COUNT_STATUS=S (cudaGetDeviceCount fails).
 *
 * It checks what real CUDA would reject (bad leading dimensions, bad copy kinds, freeing a
 * pointer twice) so that a wrong call from Java fails here too. What it cannot check: real
 * device pointers, asynchrony, performance. It is not a substitute for a GPU run.
 */
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

#ifdef FAKE_CUDART
#ifndef FAKE_DEVICES
#define FAKE_DEVICES 1
#endif
#ifndef FAKE_COUNT_STATUS
#define FAKE_COUNT_STATUS 0
#endif

static long live_allocations = 0;
static long memcpy_calls = 0;

long fake_live_allocations(void) { return live_allocations; }
long fake_memcpy_calls(void) { return memcpy_calls; }

const char *cudaGetErrorString(int e) {
    switch (e) {
    case 0: return "no error";
    case 1: return "invalid argument";
    case 2: return "out of memory";
    case 21: return "invalid copy direction for memcpy";
    case 35: return "CUDA driver version is insufficient for CUDA runtime version";
    case 100: return "no CUDA-capable device is detected";
    case 101: return "invalid device ordinal";
    default: return "unrecognized error code";
    }
}

int cudaGetDeviceCount(int *n) {
    if (FAKE_COUNT_STATUS != 0) return FAKE_COUNT_STATUS;
    *n = FAKE_DEVICES;
    return 0;
}

int cudaSetDevice(int d) { return d >= 0 && d < FAKE_DEVICES ? 0 : 101; }

int cudaGetDeviceProperties(void *prop, int d) {
    if (d < 0 || d >= FAKE_DEVICES) return 101;
    strcpy((char *)prop, "Fake CUDA device (CPU)");
    return 0;
}

int cudaRuntimeGetVersion(int *v) { *v = 12040; return 0; }
int cudaDriverGetVersion(int *v) { *v = FAKE_COUNT_STATUS == 35 ? 0 : 12040; return 0; }

int cudaMalloc(void **p, size_t n) {
    if (n > ((size_t)1 << 32)) return 2;   /* "out of memory" for anything above 4 GiB */
    *p = malloc(n);
    if (!*p) return 2;
    live_allocations++;
    return 0;
}

int cudaFree(void *p) {
    if (!p) return 0;
    free(p);
    live_allocations--;
    return 0;
}

int cudaMallocHost(void **p, size_t n) { *p = malloc(n); return *p ? 0 : 2; }
int cudaFreeHost(void *p) { free(p); return 0; }

int cudaMemcpy(void *dst, const void *src, size_t n, int kind) {
    if (kind < 0 || kind > 4) return 21;
    memcpy_calls++;
    memmove(dst, src, n);
    return 0;
}

int cudaMemset(void *p, int v, size_t n) { memset(p, v, n); return 0; }
int cudaDeviceSynchronize(void) { return 0; }
#endif

#ifdef FAKE_CUBLAS
enum { OK = 0, INVALID_VALUE = 7 };

const char *cublasGetStatusString(int s) {
    switch (s) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    default: return "CUBLAS_STATUS_UNKNOWN";
    }
}

int cublasCreate_v2(void **h) { *h = malloc(16); return 0; }
int cublasDestroy_v2(void *h) { free(h); return 0; }
int cublasGetVersion_v2(void *h, int *v) { (void)h; *v = 120402; return 0; }

#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* element (i,j) of op(X), X column-major with leading dimension ld */
static float at(const float *x, int trans, int i, int j, int ld) {
    return trans ? x[j + (size_t)i * ld] : x[i + (size_t)j * ld];
}

/* C (m x n) = alpha op(A) (m x k) op(B) (k x n) + beta C, all column-major */
int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha,
                   const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc) {
    (void)h;
    if (m < 0 || n < 0 || k < 0 || (ta != 0 && ta != 1) || (tb != 0 && tb != 1)) return INVALID_VALUE;
    if (lda < MAX(1, ta ? k : m) || ldb < MAX(1, tb ? n : k) || ldc < MAX(1, m)) return INVALID_VALUE;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            float s = 0;
            for (int p = 0; p < k; p++) s += at(a, ta, i, p, lda) * at(b, tb, p, j, ldb);
            float *cij = &c[i + (size_t)j * ldc];
            *cij = *beta == 0.0f ? *alpha * s : *alpha * s + *beta * *cij;   /* beta = 0: C not read */
        }
    return OK;
}

/* C (m x n) = alpha op(A) + beta op(B) */
int cublasSgeam(void *h, int ta, int tb, int m, int n, const float *alpha, const float *a, int lda,
                const float *beta, const float *b, int ldb, float *c, int ldc) {
    (void)h;
    if (lda < MAX(1, ta ? n : m) || ldb < MAX(1, tb ? n : m) || ldc < MAX(1, m)) return INVALID_VALUE;
    /* write into a temporary so that C may alias A or B */
    float *t = malloc(sizeof(float) * (size_t)MAX(1, m * n));
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++)
            t[i + (size_t)j * m] = *alpha * at(a, ta, i, j, lda) + *beta * at(b, tb, i, j, ldb);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) c[i + (size_t)j * ldc] = t[i + (size_t)j * m];
    free(t);
    return OK;
}

int cublasSaxpy_v2(void *h, int n, const float *alpha, const float *x, int incx, float *y, int incy) {
    (void)h;
    for (int i = 0; i < n; i++) y[(size_t)i * incy] += *alpha * x[(size_t)i * incx];
    return OK;
}

int cublasSscal_v2(void *h, int n, const float *alpha, float *x, int incx) {
    (void)h;
    for (int i = 0; i < n; i++) x[(size_t)i * incx] *= *alpha;
    return OK;
}

/* C = diag(x) A (side 0, x has m entries) or A diag(x) (side 1, x has n entries) */
int cublasSdgmm(void *h, int side, int m, int n, const float *a, int lda, const float *x, int incx,
                float *c, int ldc) {
    (void)h;
    if (lda < MAX(1, m) || ldc < MAX(1, m) || (side != 0 && side != 1)) return INVALID_VALUE;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++)
            c[i + (size_t)j * ldc] = a[i + (size_t)j * lda] * x[(size_t)(side == 0 ? i : j) * incx];
    return OK;
}
#endif

#ifdef FAKE_CUDA_DRIVER
/*
 * A fake driver API (libcuda.so.1): it cannot run PTX, so cuLaunchKernel runs a C twin of a
 * few kernels, chosen to cover every parameter kind (int, float, pointer) and both launch
 * shapes (one thread per element, one per row). Other kernels fail with
 * CUDA_ERROR_NOT_SUPPORTED, which also exercises the error path.
 */
#include <math.h>

typedef struct { char name[64]; } fake_function;
static int module_token;

int cuGetErrorString(int e, const char **s) {
    switch (e) {
    case 0: *s = "no error"; return 0;
    case 218: *s = "a PTX JIT compilation failed"; return 0;
    case 500: *s = "named symbol not found"; return 0;
    case 801: *s = "operation not supported"; return 0;
    default: *s = 0; return 1;   /* CUDA_ERROR_INVALID_VALUE */
    }
}

int cuModuleLoadData(void **module, const void *image) {
    if (!strstr((const char *)image, ".visible .entry gmvae_relu(")) return 218;
    *module = &module_token;
    return 0;
}

int cuModuleUnload(void *module) { return module == &module_token ? 0 : 1; }

int cuModuleGetFunction(void **f, void *module, const char *name) {
    if (module != &module_token || strncmp(name, "gmvae_", 6) != 0) return 500;
    fake_function *fn = malloc(sizeof *fn);
    strncpy(fn->name, name, sizeof fn->name - 1);
    fn->name[sizeof fn->name - 1] = 0;
    *f = fn;
    return 0;
}

#define I(k) (*(int *)params[k])
#define F(k) (*(float *)params[k])
#define P(k) (*(float **)params[k])

static float sigm(float x) { return x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)); }

int cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void *stream, void **params, void **extra) {
    const char *name = ((fake_function *)f)->name;
    if (gx < 1 || gy != 1 || gz != 1 || bx != 256 || by != 1 || bz != 1 || shared || stream || extra) return 1;
    if (!strcmp(name, "gmvae_relu")) {
        for (int i = 0; i < I(0); i++) P(2)[i] = fmaxf(P(1)[i], 0.f);
    } else if (!strcmp(name, "gmvae_row_softmax")) {
        int rows = I(0), cols = I(1);
        for (int r = 0; r < rows; r++) {
            float *x = P(2) + (long)r * cols, *o = P(3) + (long)r * cols, mx = -INFINITY, s = 0;
            for (int j = 0; j < cols; j++) mx = fmaxf(mx, x[j]);
            for (int j = 0; j < cols; j++) s += (o[j] = expf(x[j] - mx));
            for (int j = 0; j < cols; j++) o[j] /= s;
        }
    } else if (!strcmp(name, "gmvae_bce_with_logits")) {
        for (int i = 0; i < I(0); i++) {
            float l = P(1)[i], t = P(2)[i];
            P(3)[i] = fmaxf(l, 0.f) - l * t + log1pf(expf(-fabsf(l)));
            P(4)[i] = F(5) * (sigm(l) - t);
        }
    } else if (!strcmp(name, "gmvae_adam")) {
        float lr = F(5), b1 = F(6), b2 = F(7), eps = F(8), wd = F(9), bc1 = F(10), bc2 = F(11);
        float *p = P(1), *g = P(2), *m = P(3), *v = P(4);
        for (int i = 0; i < I(0); i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= lr * ((m[i] / bc1) / (sqrtf(v[i] / bc2) + eps) + wd * p[i]);
        }
    } else {
        return 801;
    }
    return 0;
}
#endif
