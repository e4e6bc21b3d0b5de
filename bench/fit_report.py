#!/usr/bin/env python3
"""bench/fit_report.py WORKDIR BENCHMARKS.md - write bench/fit.sh's figures
(the files it leaves in WORKDIR) into the "## aiops-fit" section of
BENCHMARKS.md (that section only: from its heading to the next "## "
heading; appended if missing).  Also prints the section.  Stdlib only."""
import json
import os
import platform
import re
import subprocess
import sys
import textwrap

# (our config, our label, statsmodels method, statsmodels label)
PAIRS = (("seasonal", "seasonal", "STL", "STLForecast"),
         ("sarima", "sarima", "SARIMAX", "SARIMAX"),
         ("holtwinters_1d", "holtwinters (1d)", "ES_1d", "ExponentialSmoothing (24)"),
         ("holtwinters_1w", "holtwinters --period 1w", "ES_1w", "ExponentialSmoothing (168)"))
GIVEN = {
    "seasonal": "trend with changepoints, daily (order 4) Fourier terms, weekly ones "
                "of an order chosen on the last training week (3/6/10/15), daily profile "
                "(defaults)",
    "sarima": "orders chosen by AIC, season 24 (--period 1d, the default)",
    "holtwinters_1d": "damped additive trend, additive season of 24 (--period 1d, the "
                      "default)",
    "holtwinters_1w": "damped additive trend, additive season of 168 (--period 1w)",
}
TARGET = 100


def load(work, name):
    with open(os.path.join(work, name)) as f:
        return json.load(f)


def mean(xs):
    return sum(xs) / len(xs)


def machine(meta):
    cpu = "unknown CPU"
    try:
        m = re.search(r"^model name\s*:\s*(.*)$", open("/proc/cpuinfo").read(), re.M)
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass
    deb = ""
    try:
        deb = "Debian " + open("/etc/debian_version").read().strip() + ", "
    except OSError:
        pass
    try:
        ver = subprocess.run(
            ["/usr/bin/python3", "-c", "import sys, numpy, statsmodels; print("
             "sys.version.split()[0], numpy.__version__, statsmodels.__version__)"],
            capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        ver = ["?", "?", "?"]
    load1 = os.getloadavg()[0]
    start = meta.get("load_start")
    load = (f"{start:.1f} at the start of the run, " if isinstance(start, (int, float)) else "")
    return (f"{cpu}, {os.cpu_count()} cores shared with other jobs (load average "
            f"{load}{load1:.1f} at the end), {deb}{platform.system()} "
            f"{platform.release()}; Python {ver[0]}, numpy {ver[1]}, statsmodels {ver[2]} "
            f"(Debian packages), OpenBLAS single-threaded on both sides")


def f2(x):
    return f"{x:.2f}"


def ms(x):
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}"


def ratio(a, b):
    return f"{a / b:.0f}x" if b > 0 else "inf"


def job_means(t, wall):
    """Mean per-series ms of fit, fit+forecast, fit+one-step."""
    w = "_wall" if wall else ""
    fit, fc, sc = (mean(t[f"{j}{w}_ms"]) for j in ("fit", "forecast", "score"))
    return {"fit": fit, "fitfc": fit + fc, "fitsc": fit + sc}


def whole_ms(w, key, wall):
    wall_s, cpu_s, _ = (float(x) for x in w[key].split())
    return 1e3 * (wall_s if wall else cpu_s) / w["series"]


def figures(work):
    meta = load(work, "meta.json")
    sm = load(work, "statsmodels.json")
    rows = []
    for ours, olabel, meth, slabel in PAIRS:
        o, s = load(work, f"inproc-{ours}.json"), sm[meth]
        w = load(work, f"whole-{ours}.json")
        row = dict(ours=ours, olabel=olabel, meth=meth, slabel=slabel, sgiven=s["given"],
                   oe=load(work, f"err-{ours}.json"), se=load(work, f"err-sm-{meth}.json"))
        for wall, tag in ((False, "cpu"), (True, "wall")):
            row[tag] = {"o": job_means(o, wall), "s": job_means(s, wall),
                        "w": {"fitfc": whole_ms(w, "forecast", wall),
                              "fitsc": whole_ms(w, "score", wall)}}
        rows.append(row)
    return meta, rows


def speedups(r, job):
    """'176x (150x)': statsmodels over ours, CPU (wall)."""
    c, w = r["cpu"], r["wall"]
    return (f"{ratio(c['s'][job], c['o'][job])} ({ratio(w['s'][job], w['o'][job])})",
            f"{ratio(c['s'][job], c['w'][job])} ({ratio(w['s'][job], w['w'][job])})")


def verdict(r):
    """(speed met, error met per horizon, least CPU speed-up)"""
    c = r["cpu"]
    speed = min(c["s"][j] / c["o"][j] for j in ("fitfc", "fitsc"))
    err = {}
    for h in ("forecast", "onestep"):
        o, s = r["oe"][h], r["se"][h]
        err[h] = o["mape"] <= s["mape"] and o["rmse"] <= s["rmse"]
    return speed >= TARGET, err, speed


def speed_table(rows):
    out = ["| ours | statsmodels | fit+forecast ms, ours / statsmodels | speed-up |"
           " fit+one-step ms, ours / statsmodels | speed-up | whole tool ms/series,"
           " forecast / one-step | speed-up whole tool, forecast / one-step |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c = r["cpu"]
        fc, fc_w = speedups(r, "fitfc")
        sc, sc_w = speedups(r, "fitsc")
        out.append(
            f"| {r['olabel']} | {r['slabel']} | {ms(c['o']['fitfc'])} / {ms(c['s']['fitfc'])} | "
            f"{fc} | {ms(c['o']['fitsc'])} / {ms(c['s']['fitsc'])} | {sc} | "
            f"{ms(c['w']['fitfc'])} / {ms(c['w']['fitsc'])} | {fc_w} / {sc_w} |")
    return out


def error_table(rows):
    out = ["| ours | statsmodels | 2-week MAPE % ours / statsmodels | 2-week RMSE |"
           " one-step MAPE % | one-step RMSE |", "|---|---|---|---|---|---|"]
    for r in rows:
        oe, se = r["oe"], r["se"]
        cells = []
        for h in ("forecast", "onestep"):
            for k in ("mape", "rmse"):
                o, s = oe[h][k], se[h][k]
                mark = "**" if o <= s else ""
                cells.append(f"{mark}{f2(o)}{mark} / {f2(s)}")
        out.append(f"| {r['olabel']} | {r['slabel']} | " + " | ".join(cells) + " |")
    return out


def given_table(rows):
    out = ["| ours | given | statsmodels | given |", "|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['olabel']} | {GIVEN[r['ours']]} | {r['slabel']} | {r['sgiven']} |")
    return out


def targets(rows):
    out, fast_ok, err_ok = [], [], []
    for r in rows:
        fast, err, speed = verdict(r)
        e_fc, e_one = err["forecast"], err["onestep"]
        parts = [f"speed {'met' if fast else 'not met'} ({speed:.0f}x, the lesser of the "
                 "two jobs, by CPU time)"]
        if e_fc and e_one:
            parts.append("error met at both horizons")
        else:
            worse = [h for h, ok in (("2-week", e_fc), ("one-step", e_one)) if not ok]
            parts.append("error not met " + " and ".join(worse)
                         + (" (one-step met)" if e_one else " (2-week met)" if e_fc else ""))
        out.append(bullet(f"{r['olabel']} vs {r['slabel']}: " + "; ".join(parts) + "."))
        if fast:
            fast_ok.append(r["olabel"])
        err_ok += [f"{r['olabel']} ({h})" for h, ok in (("2-week", e_fc), ("one-step", e_one))
                   if ok]
    both = [r["olabel"] for r in rows if verdict(r)[0] and all(verdict(r)[1].values())]
    if len(both) == len(rows):
        summary = "In short: the whole target (speed and error together) is met by every pair."
    else:
        summary = ("In short: the whole target (speed and error together) is met by "
                   + (", ".join(both) if both else "none of the pairs") + "; the speed part by "
                   + (", ".join(fast_ok) if fast_ok else "none") + "; equal or lower error by "
                   + (", ".join(err_ok) if err_ok else "none") + ".")
    out += ["", textwrap.fill(summary, width=80)]
    return out


def section(work):
    meta, rows = figures(work)
    n, reps, whole = meta["series"], meta["reps"], meta["whole"]
    by = {r["ours"]: r for r in rows}
    out = ["## aiops-fit", "",
           textwrap.fill(f"`{meta['command']}` (defaults: 10 series, 2000 for the scale run; "
                         "`REPS`, `WHOLE` and `BENCH_DIR` in the environment). Machine: "
                         + machine(meta) + ".", width=80), "",
           f"Data: {n} hourly series of 8 weeks from `bench/fit_gen.py` (level, daily hump,",
           "weekends at 70 %, trend, AR(1) wander, 3 % noise), trained on 6 weeks; the last",
           "2 weeks (336 points a series) are the holdout. Both sides fit the same training",
           "points and are scored on the same holdout points by the same code",
           "(`bench/fit_errors.py`). What each side was told:", ""]
    out += given_table(rows)
    out += ["",
            "Speed, per series, one thread each. In-process: `bench/fit_inproc.c` calls our",
            "library, `bench/fit_statsmodels.py` calls statsmodels after its imports and",
            "reading; neither has process start-up, parsing or output in the timed part.",
            "*fit+forecast* = fit on the 6 weeks and forecast all 336 held-out hours;",
            "*fit+one-step* = fit, then predict each held-out hour from the ones before it",
            "and learn it, parameters kept (ours: `band()` then `update()`, as `aiops-fit`",
            "scores; statsmodels: `append(refit=False)` for the state-space models,",
            "ExponentialSmoothing re-run with its fitted parameters and initial states",
            f"fixed). Whole tool: `aiops-fit` on {whole} such series (start-up, parsing,",
            "fitting, then forecasting with `--horizon 336 --step 1h` or scoring with",
            f"`--bands`, writing the band records), divided by {whole}; its band values on",
            f"the {n} series are checked to equal the in-process ones. Figures are CPU",
            "time of the process (user + system: steadier than the wall clock on this",
            f"shared machine) in ms, the mean over the series of the best of {reps} runs;",
            "speed-ups by CPU time, in brackets by the wall clock (best of the runs too).",
            ""]
    out += speed_table(rows)
    out += ["", "Forecast error, pooled over all held-out points (ours / statsmodels; bold: ours",
            "is equal or lower). 2-week = the 336-step forecast from the end of training;",
            "one-step = each point predicted from the data before it.", ""]
    out += error_table(rows)
    out += ["", f"Targets (issue 5: at least {TARGET}x faster than statsmodels at equal or lower",
            "error; error counted as met when both MAPE and RMSE are no higher):", ""]
    out += targets(rows)
    out += [""] + explain(by)
    out += scale_part(work, reps)
    return "\n".join(out)


def better(r, h):
    """'lower' / 'higher' / 'mixed': our error vs statsmodels' at horizon h."""
    o, s = r["oe"][h], r["se"][h]
    lo = (o["mape"] <= s["mape"]) + (o["rmse"] <= s["rmse"])
    return "lower" if lo == 2 else "higher" if lo == 0 else "mixed"


def bullet(text):
    return textwrap.fill(text, width=80, initial_indent="- ", subsequent_indent="  ")


def explain(by):
    s, sa = by["seasonal"], by["sarima"]
    h1, h7 = by["holtwinters_1d"], by["holtwinters_1w"]
    fit = lambda r, side: ms(r["cpu"][side]["fit"])     # noqa: E731
    items = [
        f"Speed. `seasonal` fits in {fit(s, 'o')} ms (one pass over the points for the "
        "normal equations, small solves for the weekly-order choice and the exact MAP "
        "fit, two Huber passes over the down-weighted points only) against "
        f"STLForecast's {fit(s, 's')} ms (LOESS passes, then an ARIMA fit). "
        f"`sarima` spends {fit(sa, 'o')} ms choosing its orders by AIC among up to 36 "
        "conditional-sum-of-squares fits, then refining the chosen one by exact "
        "likelihood (a Kalman filter whose gain settles, so most steps are O(r)); "
        f"SARIMAX, handed those orders, spends {fit(sa, 's')} ms on one exact-likelihood "
        "fit with its general state-space filter. `holtwinters` spends "
        f"{fit(h1, 'o')} ms ({fit(h7, 'o')} ms with the weekly season) on a least-squares "
        "initial state, a coarse grid and Levenberg-Marquardt with exact derivatives of "
        "the recursion, against "
        f"ExponentialSmoothing's {fit(h1, 's')} / {fit(h7, 's')} ms of numerical "
        "optimisation. Forecasting and one-step scoring cost ours tens of microseconds "
        "a series, so the fit decides.",
        "The whole tool is slower per series than the in-process figures: reading the "
        "TSV and writing a band record per forecast or scored point cost more than the "
        "cheaper models themselves (the scale runs below score without `--bands`).",
        f"`seasonal`: error {better(s, 'forecast')} than STLForecast's over 2 weeks and "
        f"{better(s, 'onestep')} one step ahead. The data's weekends are a step (70 % of "
        "the weekday level) that Prophet's default weekly order 3 smears over the week "
        "(5.98 % 2-week MAPE before this choice was automatic); on the last training "
        "week a higher order wins for every series here (15 for most), so the weekly "
        "term follows the step. "
        "STL with a one-week period keeps a free value for each hour of the week instead. "
        "Online ours adapts only a level offset (an EWMA of the residuals over about a "
        "day), so its one-step error is close to its 2-week one.",
        f"`sarima`: error {better(sa, 'forecast')} than SARIMAX's over 2 weeks and "
        f"{better(sa, 'onestep')} one step ahead with the same orders. Both fit by exact "
        "maximum likelihood now (ours: a Chandrasekhar-form Kalman filter after the CSS "
        "order search, from three starting points, since the likelihood often has two "
        "peaks near the unit circle); with a daily season neither models the weekend, so "
        "both 2-week forecasts are poor. Ours' robust filter (innovations clipped to the "
        "band, so a spike does not echo into follow-up false alarms) is dropped for "
        "these series because their training windows show the large innovations to be "
        "shifts (the first hours of each weekend and Monday), by the rule holtwinters "
        "uses for its level clamp; with the clipping kept, ours' one-step error would be "
        "4.34 % / 6.00 (measured separately).",
        f"`holtwinters`: 2-week error {better(h1, 'forecast')} (1d) / "
        f"{better(h7, 'forecast')} (1w), one-step {better(h1, 'onestep')} / "
        f"{better(h7, 'onestep')}. Both sides now estimate the initial level, trend and "
        "season over the whole window and optimise the smoothing continuously; with the "
        "daily season ours lands on ExponentialSmoothing's parameters to 3 digits, so "
        "the 1d figures are a near tie. Ours differs in two data-chosen ways: the "
        "level's 2-sigma clamp (robustness to spikes) is loosened to 4 sigma or dropped "
        "only when the training window shows that to lower the loss by 5 % (dropped "
        "here for the daily season: each weekend is a shift), and an AR(1) carried error is kept when a likelihood-ratio test "
        "on the window finds it (the data's AR(1) wander; this is most of the 1w gain)."]
    return ["Why:", ""] + [bullet(t) for t in items] + [""]


def scale_part(work, reps):
    path = os.path.join(work, "scale.json")
    if not os.path.exists(path):
        return []
    sc = load(work, "scale.json")
    out = [f"Scale: {sc['series']} such series at once ({sc['samples']:,} samples, 6 weeks of",
           "training each, then scoring as if live) through one `aiops-fit --model M",
           f"--no-samples` process; best of {reps}.", "",
           "| model | wall s | CPU s | samples/s (CPU) | peak RSS MB |", "|---|---|---|---|---|"]
    for m, x in sc["runs"].items():
        rate = sc["samples"] / x["cpu_s"] if x["cpu_s"] > 0 else float("inf")
        out.append(f"| {m} | {x['seconds']:.2f} | {x['cpu_s']:.2f} | {rate / 1e6:.2f} M | "
                   f"{x['rss_kb'] / 1024:.0f} |")
    out += ["", "Memory: the training buffers (16 bytes a point, capped by `--max-train`)",
            "dominate until the models are fitted; after that each series keeps only its",
            "model's state. `auto` fits every candidate twice (holdout, then the winner",
            "on the whole window), so its cost is that of the candidates together.", ""]
    return out


def main():
    text = section(sys.argv[1])
    path = sys.argv[2]
    try:
        doc = open(path).read()
    except FileNotFoundError:
        doc = "# Benchmarks\n"
    start = doc.find("\n## aiops-fit\n")
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + text
    else:
        end = doc.find("\n## ", start + 1)
        doc = doc[:start + 1] + text + ("\n" + doc[end + 1:] if end >= 0 else "")
    open(path, "w").write(doc.rstrip("\n") + "\n")
    print(text)


if __name__ == "__main__":
    main()
