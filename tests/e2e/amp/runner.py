"""A tiny bounded test runner for the AMP end-to-end scripts: runs each
test function, prints ok/FAIL lines, exits 1 if any failed."""
import traceback


def run(tests):
    failed = 0
    for t in tests:
        try:
            t()
            print("ok", t.__name__, flush=True)
        except Exception:
            failed += 1
            print("FAIL", t.__name__, flush=True)
            traceback.print_exc()
    print("%d passed, %d failed" % (len(tests) - failed, failed), flush=True)
    return 1 if failed else 0
