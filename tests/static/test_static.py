"""Static tier: runs on any machine, with or without Odoo.

OCA's mandatory pylint-odoo checks, ruff, well-formed XML, manifests whose data files
exist, access rules for every model, and complete Simplified Chinese translations.
"""

import ast
import csv
import pathlib
import re
import subprocess
import sys

import pytest
from lxml import etree

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADDONS = sorted(p.parent for p in (ROOT / "addons").glob("*/__manifest__.py"))
ADDON_IDS = [a.name for a in ADDONS]


def _manifest(addon):
    return ast.literal_eval((addon / "__manifest__.py").read_text())


def test_there_are_addons():
    assert ADDONS, "no addon found under addons/"


def test_ruff():
    res = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "addons", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("addon", ADDONS, ids=ADDON_IDS)
def test_pylint_odoo_mandatory(addon):
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            f"--rcfile={ROOT / '.pylintrc-mandatory'}",
            str(addon),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stdout + res.stderr


XML_FILES = sorted((ROOT / "addons").rglob("*.xml"))


@pytest.mark.parametrize(
    "path", XML_FILES, ids=[str(p.relative_to(ROOT)) for p in XML_FILES]
)
def test_xml_well_formed(path):
    etree.parse(str(path))


@pytest.mark.parametrize("addon", ADDONS, ids=ADDON_IDS)
def test_manifest_files_exist(addon):
    manifest = _manifest(addon)
    assert manifest["version"].startswith("18.0."), manifest["version"]
    assert manifest.get("license"), "license missing"
    missing = [
        f
        for key in ("data", "demo")
        for f in manifest.get(key, [])
        if not (addon / f).is_file()
    ]
    assert not missing, f"files listed in the manifest but absent: {missing}"


def _declared_models(addon):
    """Models an addon creates (``_name`` without being an inherit of itself)."""
    models = {}
    for py in addon.rglob("*.py"):
        tree = ast.parse(py.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            base = ast.unparse(node.bases[0]) if node.bases else ""
            if "AbstractModel" in base:
                continue
            attrs = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target = stmt.targets[0]
                    if isinstance(target, ast.Name) and isinstance(
                        stmt.value, ast.Constant
                    ):
                        attrs[target.id] = stmt.value.value
                    elif isinstance(target, ast.Name) and isinstance(
                        stmt.value, (ast.List, ast.Tuple)
                    ):
                        # _inherit = ["helpdesk.ticket", "cs.workflow.mixin"]
                        attrs[target.id] = [
                            e.value
                            for e in stmt.value.elts
                            if isinstance(e, ast.Constant)
                        ]
            name = attrs.get("_name")
            inherit = attrs.get("_inherit")
            if isinstance(inherit, list) and name in inherit:
                continue  # an existing model extended with a mixin
            if name and (inherit in (None, name) or isinstance(inherit, list)):
                models[name] = py.relative_to(ROOT)
    return models


@pytest.mark.parametrize("addon", ADDONS, ids=ADDON_IDS)
def test_every_model_has_access_rules(addon):
    csv_path = addon / "security" / "ir.model.access.csv"
    models = _declared_models(addon)
    if not models:
        return
    assert csv_path.is_file(), "security/ir.model.access.csv missing"
    with csv_path.open() as fh:
        rows = list(csv.DictReader(fh))
    covered = {r["model_id:id"].split(".")[-1] for r in rows}
    missing = [
        f"{name} ({path})"
        for name, path in models.items()
        if "model_" + name.replace(".", "_") not in covered
    ]
    assert not missing, f"models without access rules: {missing}"
    ungrouped = [r["id"] for r in rows if not r.get("group_id:id")]
    assert not ungrouped, f"ACL lines without a group: {ungrouped}"


# every sudo() of the server code says why, on its line or the 3 lines above:
# ``# sudo: <why>`` (a sudo without a reason is where a guard leaks)
SUDO_DIRS = ("models", "wizards", "report")
# files of other work areas, to be commented by their owners (then removed here)
SUDO_EXEMPT: set[str] = set()


def _sudo_without_reason(addon):
    offenders = []
    for py in sorted(addon.rglob("*.py")):
        rel = py.relative_to(ROOT)
        if rel.parts[2] not in SUDO_DIRS or str(rel) in SUDO_EXEMPT:
            continue
        lines = py.read_text().splitlines()
        for i, line in enumerate(lines):
            if ".sudo(" not in line:
                continue
            if not any("# sudo:" in prev for prev in lines[max(0, i - 3) : i + 1]):
                offenders.append(f"{rel}:{i + 1}: {line.strip()}")
    return offenders


@pytest.mark.parametrize("addon", ADDONS, ids=ADDON_IDS)
def test_every_sudo_has_a_reason(addon):
    offenders = _sudo_without_reason(addon)
    assert not offenders, "sudo() without a '# sudo: <why>' comment:\n" + "\n".join(
        offenders
    )


def _po_entries(path):
    """(msgid, msgstr, has "#. module:" comment) of a .po file, without polib."""
    entries, key, buf = [], None, {}
    for line in path.read_text().splitlines() + [""]:
        m = re.match(r'^(msgid|msgstr) "(.*)"$', line)
        if line.startswith("#. module"):
            buf["module"] = True
        elif m:
            key = m.group(1)
            buf[key] = m.group(2)
        elif line.startswith('"') and key:
            buf[key] += line[1:-1]
        elif not line.strip():
            if "msgid" in buf:
                entries.append(
                    (buf["msgid"], buf.get("msgstr", ""), buf.get("module", False))
                )
            key, buf = None, {}
    return entries


@pytest.mark.parametrize("addon", ADDONS, ids=ADDON_IDS)
def test_zh_cn_translation_complete(addon):
    po = addon / "i18n" / "zh_CN.po"
    assert po.is_file(), "i18n/zh_CN.po missing"
    entries = [e for e in _po_entries(po) if e[0]]
    assert entries, "zh_CN.po has no entries"
    untranslated = [msgid for msgid, msgstr, _m in entries if not msgstr]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    # Odoo's loader needs the "#. module: <addon>" comment on every entry
    orphans = [msgid for msgid, _s, module in entries if not module]
    assert not orphans, f"entries without '#. module:' comment: {orphans[:10]}"
    for msgid, msgstr, _m in entries:
        placeholders = sorted(re.findall(r"%\(\w+\)s|%s|%d|\{\w*\}", msgid))
        assert placeholders == sorted(re.findall(r"%\(\w+\)s|%s|%d|\{\w*\}", msgstr)), (
            f"placeholders differ in {msgid!r} -> {msgstr!r}"
        )
