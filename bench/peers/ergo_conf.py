"""Writes ergo's benchmark config: its own default.yaml with a plaintext
listener on 127.0.0.1:PORT, files in DIR, and the limits its documentation
lets an operator relax (per-IP counts and throttles, fakelag, send queue).

usage: ergo_conf.py DEFAULT_YAML DIR PORT > ergo.yaml
"""
import sys

import yaml


def main():
    src, d, port = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(src) as f:
        conf = yaml.safe_load(f)
    server = conf["server"]
    server["name"] = "bench.ergo"
    server["listeners"] = {"127.0.0.1:%s" % port: None}
    server.pop("sts", None)
    server["websockets"] = {"allowed-origins": []}
    server["motd"] = d + "/ergo.motd"
    server["max-sendq"] = "64m"
    server["lookup-hostnames"] = False
    server["check-ident"] = False
    server["ip-limits"]["count"] = False
    server["ip-limits"]["throttle"] = False
    conf["fakelag"]["enabled"] = False
    conf["channels"]["max-channels-per-client"] = 1000
    conf["languages"]["enabled"] = False
    conf["lock-file"] = d + "/ircd.lock"
    conf["datastore"]["path"] = d + "/ircd.db"
    conf["logging"] = [{"method": "stderr", "type": "* -userinput -useroutput",
                        "level": "warn"}]
    yaml.safe_dump(conf, sys.stdout, default_flow_style=False)


if __name__ == "__main__":
    main()
