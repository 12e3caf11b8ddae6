"""Print Odoo's requirements.txt as pins that build on the running Python.

Markers are evaluated as for this interpreter, except that on Python 3.11 the pins meant
for 3.12 are taken (they are the ones with wheels for 3.11); python-ldap is left out (it
needs the LDAP headers and only serves auth_ldap).

    python tools/odoo_requirements.py /path/to/odoo/requirements.txt > reqs.txt
"""

import sys

from packaging.markers import default_environment
from packaging.requirements import Requirement


def pins(lines, env):
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.name.lower() == "python-ldap":
            continue
        if req.marker is None or req.marker.evaluate(env):
            req.marker = None
            yield str(req)


def main():
    env = default_environment()
    if sys.version_info[:2] == (3, 11):
        env.update(python_version="3.12", python_full_version="3.12.0")
    with open(sys.argv[1]) as f:
        for pin in pins(f, env):
            print(pin)


if __name__ == "__main__":
    main()
