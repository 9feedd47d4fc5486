#!/usr/bin/env python3
"""Reference values for the privacy-accountant tests (tests/Aggregation.Tests/Privacy).

Computed independently of the C# code, with mpmath at 50 significant digits, straight from the
published definitions (no series acceleration, no log-space tricks, no shared code):

* Sampled Gaussian mechanism, Mironov, Talwar, Zhang 2019, "Renyi Differential Privacy of the
  Sampled Gaussian Mechanism" (arXiv:1908.10530), Sec. 3:
      A_a = E_{z ~ N(0, s^2)} [ ((1 - q) + q * exp((2z - 1) / (2 s^2)))^a ],   RDP(a) = log(A_a) / (a - 1)
  evaluated here by numerical quadrature of that integral (mpmath.quad), and for integer a also by
  the binomial expansion A_a = sum_k C(a,k) (1-q)^(a-k) q^k exp((k^2 - k) / (2 s^2)); the two are
  checked against each other. q = 1 is the plain Gaussian, RDP(a) = a / (2 s^2) (Mironov 2017).
* RDP -> (eps, delta), Balle et al. 2020 (arXiv:1905.09982, Thm 21) / Canonne-Kamath-Steinke 2020:
      eps(a) = rdp(a) + log((a - 1) / a) - (log(delta) + log(a)) / (a - 1),   minimized over the orders.
* Distributed discrete Gaussian, Kairouz, Liu, Steinke 2021 (arXiv:2102.06387), Theorem 1:
      tau = 10 * sum_{k=1}^{n-1} exp(-2 pi^2 s^2 k / (k + 1)),
      eps = min( sqrt(D2^2 / (n s^2) + tau d / 2),  D1 / (sqrt(n) s) + tau d ),   rho = eps^2 / 2;
  rho-zCDP to (eps, delta) through RDP(a) = a * rho and the conversion above, minimized over real
  a > 1 (mpmath.findroot on the numerical derivative).

Run: python3 compute_reference.py   (prints the literals pasted into the C# tests; last output in
reference_output.txt, about 3 minutes)
"""
import mpmath as mp

mp.mp.dps = 50

DEFAULT_ORDERS = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64)) + [64, 80, 96, 128, 192, 256, 512, 1024]


def log_a_binomial(q, s, a):
    q, s = mp.mpf(q), mp.mpf(s)
    return mp.log(mp.fsum(mp.binomial(a, k) * (1 - q) ** (a - k) * q ** k * mp.exp((k * k - k) / (2 * s * s))
                          for k in range(a + 1)))


def log_a_quadrature(q, s, a):
    q, s, a = mp.mpf(q), mp.mpf(s), mp.mpf(a)
    z0 = s * s * mp.log(1 / q - 1) + mp.mpf(1) / 2
    f = lambda z: mp.npdf(z, 0, s) * ((1 - q) + q * mp.exp((2 * z - 1) / (2 * s * s))) ** a
    points = sorted(set([mp.mpf(0), z0, a]))
    return mp.log(mp.quad(f, [-mp.inf] + points + [mp.inf], maxdegree=10))


def rdp(q, s, a):
    if q == 1:
        return mp.mpf(a) / (2 * mp.mpf(s) ** 2)
    if float(a).is_integer():
        return log_a_binomial(q, s, int(a)) / (a - 1)
    return log_a_quadrature(q, s, a) / (mp.mpf(a) - 1)


def eps_at(a, r, delta):
    a, delta = mp.mpf(a), mp.mpf(delta)
    return r + mp.log((a - 1) / a) - (mp.log(delta) + mp.log(a)) / (a - 1)


def best_eps(orders, rdps, delta):
    return min((eps_at(a, r, delta), a) for a, r in zip(orders, rdps))


def tau(s, n):
    s = mp.mpf(s)
    return 10 * mp.fsum(mp.exp(-2 * mp.pi ** 2 * s * s * k / (k + 1)) for k in range(1, n))


def ddg_rho(d2, s, n, d, d1=None):
    s, t = mp.mpf(s), tau(s, n)
    e = mp.sqrt(mp.mpf(d2) ** 2 / (n * s * s) + t * d / 2)
    if d1 is not None:
        e = min(e, mp.mpf(d1) / (mp.sqrt(n) * s) + t * d)
    return e * e / 2


def zcdp_eps(rho, delta):
    rho, delta = mp.mpf(rho), mp.mpf(delta)
    f = lambda a: a * rho + mp.log((a - 1) / a) - (mp.log(delta) + mp.log(a)) / (a - 1)
    guess = 1 + mp.sqrt(mp.log(1 / delta) / rho)
    a = mp.findroot(lambda a: mp.diff(f, a), guess)
    return f(a), a


def show(x):
    return mp.nstr(x, 20, min_fixed=-30, max_fixed=30)


def main():
    # 0. sanity: quadrature against the binomial closed form at integer orders
    for q, s, a in [(0.01, 0.8, 2), (0.3, 1.1, 5), (0.05, 2.0, 17), (0.3, 0.8, 40)]:
        b, c = log_a_binomial(q, s, a), log_a_quadrature(q, s, a)
        assert abs(b - c) <= mp.mpf(10) ** -30 * abs(b), (q, s, a, b, c)

    print("// erfc(x) and log(erfc(x))")
    for x in ["-6", "-3", "-0.5", "0", "1e-8", "0.3", "0.5", "1", "2", "3.75", "5", "10", "26", "30", "100", "1e4"]:
        v = mp.erfc(mp.mpf(x))
        print(f'[InlineData({x}, {show(v)}, {show(mp.log(v))})]')

    print("// plain Gaussian (q = 1): rdp per step = a / (2 z^2)")
    for z in [0.5, 1.0, 3.7]:
        for a in [1.5, 2, 32]:
            print(f"[InlineData({z}, {a}, {show(rdp(1, z, a))})]")

    print("// sampled Gaussian, one step: q, z, order, rdp")
    for q in [0.01, 0.05, 0.3]:
        for z in [0.8, 1.1, 2.0]:
            for a in [1.1, 1.5, 2, 2.5, 3, 5.5, 10.9, 32, 63]:
                print(f"[InlineData({q}, {z}, {a}, {show(rdp(q, z, a))})]")

    print("// eps over DEFAULT_ORDERS: q, z, steps, delta -> eps, order")
    for q, z, steps, delta in [(256 / 60000, 1.1, 14064, 1e-5), (1, 1, 10, 1e-5), (1, 2, 1, 1e-6), (0.01, 0.8, 1000, 1e-5),
                               (0.05, 2, 500, 1e-6), (0.3, 1.1, 50, 1e-5), (1, 30, 1, 1e-5)]:
        rdps = [rdp(q, z, a) * steps for a in DEFAULT_ORDERS]
        e, a = best_eps(DEFAULT_ORDERS, rdps, delta)
        print(f"[InlineData({q!r}, {z}, {steps}, {delta}, {show(e)}, {a})]")

    print("// TF-Privacy MNIST tutorial: q = 256/60000, z = 1.12, 60 epochs x 234 steps, Opacus/TF orders,")
    print("// classic conversion eps = min rdp - log(delta)/(a-1) (Mironov 2017), as that tutorial printed")
    tf_orders = [1 + x / 10.0 for x in range(1, 100)] + list(range(12, 64))
    rdps = [rdp(256 / 60000, 1.12, a) * 14040 for a in tf_orders]
    print(show(min(r - mp.log(mp.mpf(1e-5)) / (mp.mpf(a) - 1) for a, r in zip(tf_orders, rdps))))

    print("// DDG tau(s, n)")
    for s, n in [(0.5, 2), (0.5, 10), (0.6, 100), (0.8, 10), (1.0, 1000), (2.0, 10)]:
        print(f"[InlineData({s}, {n}, {show(tau(s, n))})]")

    print("// DDG rho: D2, s, n, d, D1 -> rho")
    for d2, s, n, d, d1 in [(10, 0.6, 10, 100, None), (10, 0.8, 10, 1000, None), (1, 0.5, 3, 10, None),
                            (2, 0.5, 3, 10, 3), (50, 4, 100, 10000, None), (4096, 25, 50, 1000000, None),
                            (3, 1.0, 20, 50, 5), (1, 1.0, 100, 20, 1)]:
        print(f"[InlineData({d2}, {s}, {n}, {d}, {'null' if d1 is None else d1}, {show(ddg_rho(d2, s, n, d, d1))})]")

    print("// zCDP -> (eps, delta): rho, delta -> eps, order")
    for rho, delta in [(0.5, 1e-5), (0.01, 1e-5), (2.0, 1e-6), (1e-4, 1e-5), (50, 1e-5)]:
        e, a = zcdp_eps(rho, delta)
        print(f"[InlineData({rho}, {delta}, {show(e)}, {show(a)})]")

    print("// DDG end to end: D2, s, n, d, rounds, delta -> eps of rounds * rho")
    for d2, s, n, d, rounds, delta in [(50, 4, 100, 10000, 100, 1e-5), (10, 0.8, 10, 1000, 1, 1e-5), (1, 1.0, 100, 20, 30, 1e-6)]:
        e, _ = zcdp_eps(rounds * ddg_rho(d2, s, n, d), delta)
        print(f"[InlineData({d2}, {s}, {n}, {d}, {rounds}, {delta}, {show(e)})]")

    print("// plain Gaussian calibration: the smallest z with min over DEFAULT_ORDERS of eps <= target,")
    print("// inverted exactly per order: z_a = sqrt(a T / (2 (target - c(a)))), c(a) = eps_at(a, 0, delta); z* = min_a z_a")
    for target, steps, delta in [(1.0, 1, 1e-5), (2.0, 10, 1e-5), (8.0, 100, 1e-6)]:
        best = min(mp.sqrt(mp.mpf(a) * steps / (2 * (target - eps_at(a, 0, delta))))
                   for a in DEFAULT_ORDERS if target > eps_at(a, 0, delta))
        print(f"[InlineData({target}, {steps}, {delta}, {show(best)})]")


if __name__ == "__main__":
    main()
