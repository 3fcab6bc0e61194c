"""Detection lag: how long after the SDK is ready `fetch` notices it, and how
many DescribeVerifySDK calls it spends, for several generation delays (each
with its own emulator, all in parallel), next to fixed 5-second polling.

The emulator makes a task's result visible DELAY seconds after it handled
CreateVerifySDK (the small SDK is written well within that). The fetch's
stderr lines are time-stamped as they arrive: the task's ready moment lies
between "submitting ... for SDK generation" + DELAY and "generation task ...
submitted" + DELAY; lag is measured from the earlier one, so it is an upper
bound (the Create round trip, a few ms, is shown). Calls are the emulator's
own count of DescribeVerifySDK requests.

Fixed 5-second polling (checks at 5, 10, 15 ... s after submission) needs
ceil(DELAY/5) calls and lags 5*ceil(DELAY/5) - DELAY; for delays that are
multiples of 5 s that is its best case (lag 0); over delays it does not line
up with, its lag averages 2.5 s and reaches 5 s."""

import math
import shutil
import threading

import bench_common as b


def fixed_polling(delay, interval=5.0):
    calls = max(1, math.ceil(delay / interval))
    return calls, calls * interval - delay


def tool_schedule(delay, first=2.0, floor=1.0, growth=0.10, cap=15.0):
    """tool/src/sdk/poll_schedule.hpp without jitter (jitter only shortens an
    interval, by at most 20%): (calls, lag)."""
    at, calls = first, 1
    while at < delay:
        at += min(cap, max(floor, floor + growth * at))
        calls += 1
    return calls, at - delay


def one_delay(args, delay, results, index):
    work = args.work_dir / f"lag-{index}"
    emulator = b.start_emulator(work / "emu", "--generation-delay", delay)
    try:
        app = b.make_apk(emulator.serve_dir / "app.apk")
        dest = work / "project" / "third_party" / "cloudauth-offline-sdk"
        fetch = b.run(b.fetch_argv(args.tool, emulator, app, dest), env=b.tool_env(work / "home"),
                      capture=True).check()
        t_submitting = fetch.line_time("for SDK generation")
        t_submitted = fetch.line_time("submitted (RequestId")
        t_ready = fetch.line_time("the SDK is ready after")
        results[index] = {
            "delay": delay,
            "lag": t_ready - t_submitting - delay,
            "create_rtt": t_submitted - t_submitting,
            "calls": emulator.stats()["actions"]["DescribeVerifySDK"],
            "ready_line": next(text for _, text in fetch.lines if "the SDK is ready after" in text),
        }
    except Exception as error:  # reported by the caller
        results[index] = error
    finally:
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(args):
    results = [None] * len(args.delays)
    threads = [threading.Thread(target=one_delay, args=(args, d, results, i))
               for i, d in enumerate(args.delays)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, Exception):
            raise result
    print(f"  lag: done (delays {', '.join(f'{d:g} s' for d in args.delays)})", flush=True)

    table = b.Table("Detection lag after the SDK is ready (one fetch per delay, run in parallel)",
                    ["generation delay", "verifysdk lag", "verifysdk DescribeVerifySDK calls",
                     "fixed 5 s polling: calls / lag", "tool schedule w/o jitter (calc.): calls / lag",
                     "goal: lag < 10% + 1 s", "goal: fewer calls than 5 s polling"])
    for r in results:
        delay = r["delay"]
        fixed_calls, fixed_lag = fixed_polling(delay)
        calc_calls, calc_lag = tool_schedule(delay)
        bound = 0.1 * delay + 1
        table.add(f"{delay:g} s", f"{r['lag']:.2f} s", r["calls"], f"{fixed_calls} / {fixed_lag:.1f} s",
                  f"{calc_calls} / {calc_lag:.2f} s",
                  f"< {bound:.1f} s: " + ("met" if r["lag"] < bound else "MISSED"),
                  ("met" if r["calls"] < fixed_calls else "MISSED") + f" ({r['calls']} vs {fixed_calls})")
    table.note("lag = time of fetch's 'the SDK is ready' line - (time of its 'submitting' line + delay): "
               "an upper bound; the Create round trip was "
               + ", ".join(b.ms(r["create_rtt"]) for r in results))
    if all(d % 5 == 0 for d in args.delays):
        table.note("fixed 5 s polling is shown at its best case (the delays are multiples of 5 s, "
                   "lag 0); for a delay it does not line up with, its lag averages 2.5 s, at most 5 s")
    table.note("tool's own lines: " + "; ".join(f"{r['delay']:g} s: \"{r['ready_line'][11:]}\""
                                                for r in results))
    return [table]
