"""A strict parser of the Prometheus text format, version 0.0.4, for the
metrics tests. It refuses what a lenient scraper would let pass:

- every line ends with LF; a line is `# HELP name text`, `# TYPE name
  type`, or a sample `name{label="value",...} value` (no timestamps: reed
  writes none); no blank lines, no other comments;
- names match the grammar, label values use only the escapes \\\\, \\" and
  \\n, HELP texts only \\\\ and \\n;
- a family has at most one HELP and one TYPE, both before its samples, and
  its samples are contiguous; no series twice;
- values are floats (NaN, +Inf, -Inf included); counters are >= 0;
- a histogram's series have `_bucket` samples with `le` ascending and
  cumulative, the last `+Inf` and equal to `_count`, and a `_sum`.

parse(text) returns {family: Family}; a Family has .type, .help and
.samples, a dict {(sample name, frozenset of label pairs): value}.
"""
import math
import re

METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?"
                   r"|Inf|NaN)")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"),
            "summary": ("_sum", "_count", "")}


class FormatError(Exception):
    pass


class Family:
    def __init__(self, name):
        self.name = name
        self.type = None
        self.help = None
        self.samples = {}
        self.order = []  # (sample name, labels dict) in the text's order


def fail(n, line, why):
    raise FormatError("line %d: %s: %r" % (n, why, line))


def unescape(s, allowed, n, line):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 >= len(s) or s[i + 1] not in allowed:
                fail(n, line, "bad escape")
            out.append(allowed[s[i + 1]])
            i += 2
            continue
        if c == "\n":
            fail(n, line, "raw line feed")
        out.append(c)
        i += 1
    return "".join(out)


def parse_value(v, n, line):
    if not FLOAT.fullmatch(v):
        fail(n, line, "not a float: %r" % v)
    return float(v.replace("Inf", "inf").replace("NaN", "nan"))


def parse_labels(s, n, line):
    """s is the text between the braces; returns a dict."""
    labels, i = {}, 0
    while i < len(s):
        m = LABEL.match(s, i)
        if not m:
            fail(n, line, "bad label name")
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            fail(n, line, "label without =\"")
        i += 2
        j, raw = i, []
        while j < len(s) and s[j] != '"':
            if s[j] == "\\":
                raw.append(s[j:j + 2])
                j += 2
            else:
                raw.append(s[j])
                j += 1
        if j >= len(s):
            fail(n, line, "unterminated label value")
        value = unescape("".join(raw), {"\\": "\\", '"': '"', "n": "\n"},
                         n, line)
        if name in labels:
            fail(n, line, "label %s twice" % name)
        labels[name] = value
        i = j + 1
        if i < len(s):
            if s[i] != ",":
                fail(n, line, "labels not separated by a comma")
            i += 1
            if i == len(s):
                fail(n, line, "trailing comma")
    return labels


def parse_sample(line, n):
    m = METRIC.match(line)
    if not m:
        fail(n, line, "bad metric name")
    name, rest = m.group(0), line[m.end():]
    labels = {}
    if rest.startswith("{"):
        end = find_close(rest, n, line)
        labels = parse_labels(rest[1:end], n, line)
        rest = rest[end + 1:]
    if not rest.startswith(" ") or rest.startswith("  "):
        fail(n, line, "one space before the value")
    parts = rest[1:].split(" ")
    if len(parts) != 1:
        fail(n, line, "a timestamp or extra field")
    return name, labels, parse_value(parts[0], n, line)


def find_close(rest, n, line):
    """Index of the '}' closing the label set (quotes respected)."""
    inq, i = False, 1
    while i < len(rest):
        c = rest[i]
        if inq and c == "\\":
            i += 2
            continue
        if c == '"':
            inq = not inq
        elif c == "}" and not inq:
            return i
        i += 1
    fail(n, line, "unterminated label set")


def family_of(name, families):
    """The family a sample belongs to: its own name, or a histogram's or
    summary's name with the suffix taken off."""
    if name in families and families[name].type not in ("histogram",):
        return families[name]
    for fam in families.values():
        for suf in SUFFIXES.get(fam.type, ()):
            if suf and name == fam.name + suf:
                return fam
    return families.get(name)


def parse(text):
    if not text.endswith("\n"):
        raise FormatError("the last line has no LF")
    families, current, done = {}, None, set()
    seen = set()
    for n, line in enumerate(text[:-1].split("\n"), 1):
        if line == "":
            fail(n, line, "blank line")
        if line.startswith("#"):
            current = comment(line, n, families, current, done)
            continue
        name, labels, value = parse_sample(line, n)
        fam = family_of(name, families)
        if fam is None or fam.type is None:
            fail(n, line, "sample before its TYPE")
        if fam is not current:
            if fam.name in done:
                fail(n, line, "family's samples are not contiguous")
            if current is not None:
                done.add(current.name)
            current = fam
        key = (name, frozenset(labels.items()))
        if key in seen:
            fail(n, line, "series twice")
        seen.add(key)
        if fam.type == "counter":
            if name != fam.name or not (value >= 0):
                fail(n, line, "a counter's sample")
        fam.samples[key] = value
        fam.order.append((name, labels))
    for fam in families.values():
        if fam.type == "histogram":
            check_histogram(fam)
    return families


def comment(line, n, families, current, done):
    parts = line.split(" ", 3)
    if len(parts) < 3 or parts[0] != "#" or parts[1] not in ("HELP", "TYPE"):
        fail(n, line, "a comment other than HELP or TYPE")
    name = parts[2]
    if not METRIC.fullmatch(name):
        fail(n, line, "bad metric name")
    fam = families.setdefault(name, Family(name))
    if fam.samples:
        fail(n, line, "%s after the samples" % parts[1])
    if name in done:
        fail(n, line, "family seen before")
    if current is not None and current is not fam:
        done.add(current.name)
    if parts[1] == "HELP":
        if fam.help is not None:
            fail(n, line, "HELP twice")
        fam.help = unescape(parts[3] if len(parts) > 3 else "",
                            {"\\": "\\", "n": "\n"}, n, line)
    else:
        if fam.type is not None:
            fail(n, line, "TYPE twice")
        if len(parts) != 4 or parts[3] not in TYPES:
            fail(n, line, "unknown type")
        fam.type = parts[3]
    return fam


def check_histogram(fam):
    series = {}
    for name, labels in fam.order:
        rest = frozenset((k, v) for k, v in labels.items() if k != "le")
        s = series.setdefault(rest, {"buckets": [], "sum": None,
                                     "count": None})
        value = fam.samples[(name, frozenset(labels.items()))]
        if name == fam.name + "_bucket":
            if "le" not in labels:
                raise FormatError("%s: a bucket without le" % fam.name)
            le = parse_value(labels["le"], 0, labels["le"])
            s["buckets"].append((le, value))
        elif name == fam.name + "_sum":
            s["sum"] = value
        elif name == fam.name + "_count":
            s["count"] = value
        else:
            raise FormatError("%s: stray sample %s" % (fam.name, name))
    for rest, s in series.items():
        b = s["buckets"]
        if not b or s["sum"] is None or s["count"] is None:
            raise FormatError("%s%s: incomplete" % (fam.name, dict(rest)))
        les = [le for le, _ in b]
        if les != sorted(les) or len(set(les)) != len(les):
            raise FormatError("%s: le not ascending" % fam.name)
        if not math.isinf(les[-1]) or les[-1] < 0:
            raise FormatError("%s: the last bucket is not +Inf" % fam.name)
        counts = [c for _, c in b]
        if counts != sorted(counts):
            raise FormatError("%s: buckets not cumulative" % fam.name)
        if counts[-1] != s["count"]:
            raise FormatError("%s: +Inf %s != _count %s" %
                              (fam.name, counts[-1], s["count"]))


def value(families, family, sample=None, **labels):
    """One sample's value; sample defaults to the family's name."""
    fam = families[family]
    key = (sample or family, frozenset(labels.items()))
    return fam.samples[key]
