#!/usr/bin/env python3
"""Chebyshev coefficients of (1 + 2x) * erfcx(x) on 0 <= x < inf, in the variable t = (x - K) / (x + K), K = 3.75.

erfcx(x) = exp(x^2) * erfc(x). The map and the (1 + 2x) factor follow Shepherd and Laframboise,
"Chebyshev approximation of (1 + 2x) exp(x^2) erfc x in 0 <= x < inf", Math. Comp. 36 (1981) 249-253;
the coefficients here are recomputed with mpmath (interpolation at 60 Chebyshev-Gauss nodes, 60 digits)
and the series is cut where the terms fall below 1e-19. Pasted into
src/Aggregation/Privacy/Internal/ErrorFunction.cs. The script then checks the double-precision
Clenshaw evaluation against mpmath (worst relative error printed; about 5e-16).
"""
import random
import mpmath as mp

mp.mp.dps = 60
K = mp.mpf("3.75")
M = 60
TERMS = 30


def y(t):
    if t == 1:
        return 2 / mp.sqrt(mp.pi)
    x = K * (1 + t) / (1 - t)
    return (1 + 2 * x) * mp.erfc(x) * mp.exp(x * x)


nodes = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / M) for k in range(M)]
values = [y(t) for t in nodes]
coefficients = [2 * mp.fsum(values[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / M) for k in range(M)) / M for j in range(M)]
assert max(abs(c) for c in coefficients[TERMS:]) < 1e-19
c = [float(v) for v in coefficients[:TERMS]]
c[0] /= 2  # the Clenshaw sum below uses c0 as is
for v in c:
    print(f"        {v!r},")


def erfcx_double(x):
    t = (x - 3.75) / (x + 3.75)
    b1 = b2 = 0.0
    for j in range(TERMS - 1, 0, -1):
        b1, b2 = 2 * t * b1 - b2 + c[j], b1
    return (t * b1 - b2 + c[0]) / (1 + 2 * x)


random.seed(1)
worst = 0.0
for x in [i / 1000 for i in range(10000)] + [10 ** random.uniform(-8, 12) for _ in range(5000)]:
    ref = mp.erfc(mp.mpf(x)) * mp.exp(mp.mpf(x) ** 2)
    worst = max(worst, abs((erfcx_double(x) - ref) / ref))
print("worst relative error of the double evaluation:", float(worst))
