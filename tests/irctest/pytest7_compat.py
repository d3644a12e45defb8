#!/usr/bin/env python3
"""Make an irctest checkout load under Debian 12's pytest 7.2 / pluggy 1.0.

Current irctest's conftest.py declares its pytest_runtest_call hook with
``@pytest.hookimpl(wrapper=True)``, a new-style hook wrapper that needs
pluggy >= 1.1 (pytest >= 8). Debian 12 ships pluggy 1.0, so the conftest
fails to import with "unexpected keyword argument 'wrapper'" and nothing runs.

This rewrites that one hook, in place, as an old-style ``hookwrapper=True``
generator with the same meaning (an OptionalBehaviorNotSupported skip becomes
an error when the controller declares that behaviour as supported). It does
nothing when pluggy is new enough or the checkout was already rewritten.

Usage: python3 pytest7_compat.py IRCTEST_CHECKOUT
Exit status: 0 done or nothing to do, 1 the hook was not found as expected.
"""
import pathlib
import re
import sys

OLD_STYLE_HOOK = '''@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    # Rewritten for pluggy < 1.1 by reed's tests/irctest/pytest7_compat.py.
    outcome = yield
    excinfo = outcome.excinfo
    if excinfo is not None and isinstance(excinfo[1], OptionalBehaviorNotSupported):
        behavior = excinfo[1].args[0]
        controller = getattr(item.instance, "controller", None)
        if controller is not None and behavior in controller.optional_behaviors:
            raise Exception(
                f"Software {controller.software_name} must support "
                f"behavior {behavior} but does not"
            )
'''


def pluggy_has_new_style_wrappers() -> bool:
    import pluggy

    parts = []
    for piece in pluggy.__version__.split(".")[:2]:
        digits = re.match(r"\d+", piece)
        parts.append(int(digits.group(0)) if digits else 0)
    return tuple(parts) >= (1, 1)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    conftest = pathlib.Path(sys.argv[1]) / "conftest.py"
    text = conftest.read_text()
    if "hookwrapper=True" in text or pluggy_has_new_style_wrappers():
        return 0
    # The hook runs from its decorator to the end of the file (or the next
    # top-level statement); replace that whole block.
    pattern = re.compile(
        r"@pytest\.hookimpl\(wrapper=True\)\ndef pytest_runtest_call\(item\):\n"
        r"(?:[ \t]+.*\n|\n)*",
    )
    new_text, count = pattern.subn(OLD_STYLE_HOOK, text)
    if count != 1:
        print(f"pytest7_compat: hook not found in {conftest}", file=sys.stderr)
        return 1
    conftest.write_text(new_text)
    print(f"pytest7_compat: rewrote pytest_runtest_call in {conftest} for pluggy < 1.1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
