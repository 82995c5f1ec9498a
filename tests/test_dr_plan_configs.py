"""Generated DR/HA configs parse back and are accepted by the real tools where that is cheap."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from dbwright.api import dr_files, plan_dr_file, write_dr_files
from dbwright.stages.dr_configs import render_configs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "saas-ecommerce.yaml"


@pytest.fixture(scope="module")
def section() -> Any:
    return plan_dr_file(EXAMPLE)


@pytest.fixture(scope="module")
def files(section: Any) -> dict[str, str]:
    return dr_files(section)


def loopback(section: Any) -> dict[str, str]:
    """The same configs with every host on loopback, so tools that resolve names can check them."""
    settings = dict(section.data["settings"], node_hosts=["127.0.0.1"] * 3, etcd_hosts=["127.0.0.1"] * 3)
    return render_configs(settings)


def ini(text: str) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(interpolation=None, strict=True, comment_prefixes=("#", ";"))
    cp.optionxform = str  # type: ignore[assignment,method-assign]
    cp.read_string(text)
    return cp


def test_expected_files(files: dict[str, str]) -> None:
    for name in ("pgbackrest/pgbackrest.conf", "cron/pgbackrest", "postgresql/archiving.conf",
                 "patroni/patroni.yml", "haproxy/haproxy.cfg", "pgbouncer/pgbouncer.ini",
                 "prometheus/dr-alerts.yml", "runbooks/pitr-time.md", "runbooks/pitr-xid.md",
                 "runbooks/pitr-lsn.md", "runbooks/pitr-name.md", "runbooks/region-failover.md"):
        assert name in files, name
    assert any(k.startswith("systemd/") and k.endswith(".timer") for k in files)


def test_patroni_yml_matches_the_plan(section: Any, files: dict[str, str]) -> None:
    doc = YAML(typ="safe").load(files["patroni/patroni.yml"])
    dcs = doc["bootstrap"]["dcs"]
    plan = section.data["ha"]["patroni"]
    assert (dcs["ttl"], dcs["loop_wait"], dcs["retry_timeout"]) == (plan["ttl"], plan["loop_wait"],
                                                                     plan["retry_timeout"])
    assert all(isinstance(dcs[k], int) for k in ("ttl", "loop_wait", "retry_timeout"))  # Patroni needs ints
    assert dcs["synchronous_mode"] is True
    assert doc["watchdog"]["mode"] == "required"  # a string, not YAML 1.1's boolean 'on/off'
    assert dcs["postgresql"]["parameters"]["archive_mode"] == "on"
    assert "etcd3" in doc


def test_alert_rules_yaml(section: Any, files: dict[str, str]) -> None:
    doc = YAML(typ="safe").load(files["prometheus/dr-alerts.yml"])
    rules = {r["alert"]: r for r in doc["groups"][0]["rules"]}
    assert {"BackupTooOld", "WalArchiveFailing", "ReplicationLagAboveRpo"} <= set(rules)
    lag = section.data["settings"]["alerts"]["replication_lag_s"]
    assert rules["ReplicationLagAboveRpo"]["expr"].endswith(f"> {lag:g}")
    promtool = shutil.which("promtool")
    if promtool:
        out = subprocess.run([promtool, "check", "rules", "/dev/stdin"], input=files["prometheus/dr-alerts.yml"],
                             capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stdout + out.stderr


def test_ini_files_parse(section: Any, files: dict[str, str]) -> None:
    pgb = ini(files["pgbackrest/pgbackrest.conf"])
    assert pgb["global"]["repo1-retention-full"] == str(section.data["settings"]["pitr_days"])
    assert pgb["global"]["repo2-s3-region"] == "eu-central-1"  # off-site copy in the DR region
    assert "pg1-path" in pgb["main"]
    bouncer = ini(files["pgbouncer/pgbouncer.ini"])
    assert bouncer["pgbouncer"]["pool_mode"] == "transaction"
    for name, text in files.items():
        if name.startswith("systemd/"):
            unit = ini(text)
            assert ("Timer" in unit) == name.endswith(".timer")


def test_cron_lines(files: dict[str, str]) -> None:
    lines = [ln for ln in files["cron/pgbackrest"].splitlines()
             if ln and not ln.startswith("#") and not re.match(r"^[A-Z]+=", ln)]
    assert lines
    for ln in lines:
        fields = ln.split()
        assert len(fields) >= 7 and fields[5] == "postgres" and fields[6] == "pgbackrest", ln


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_timer_calendars_accepted_by_systemd(files: dict[str, str]) -> None:
    for name, text in files.items():
        if name.endswith(".timer"):
            cal = re.search(r"^OnCalendar=(.+)$", text, re.M)
            assert cal, name
            out = subprocess.run(["systemd-analyze", "calendar", cal.group(1)], capture_output=True, text=True,
                                 timeout=30)
            assert out.returncode == 0, out.stderr


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy not installed")
def test_haproxy_accepts_the_config(section: Any, tmp_path: Path) -> None:
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(loopback(section)["haproxy/haproxy.cfg"])
    out = subprocess.run(["haproxy", "-c", "-f", str(cfg)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ALERT" not in out.stderr and "WARNING" not in out.stderr, out.stderr


@pytest.mark.skipif(shutil.which("patroni") is None, reason="patroni not installed")
def test_patroni_validates_the_config(section: Any, tmp_path: Path) -> None:
    cfg = tmp_path / "patroni.yml"
    cfg.write_text(loopback(section)["patroni/patroni.yml"])
    out = subprocess.run(["patroni", "--validate-config", str(cfg)], capture_output=True, text=True, timeout=60)
    problems = [ln for ln in (out.stdout + out.stderr).splitlines()
                if "validation" in ln or "is not" in ln or "not defined" in ln]
    # Only what depends on this machine may fail: no etcd listening here, loopback connect addresses.
    unexpected = [ln for ln in problems if "is not reachable" not in ln and "must not contain" not in ln]
    assert not unexpected, unexpected


@pytest.mark.skipif(shutil.which("pgbackrest") is None, reason="pgbackrest not installed")
def test_pgbackrest_accepts_every_option(files: dict[str, str], tmp_path: Path) -> None:
    # Same options with the S3 repositories turned into local ones, so nothing leaves the machine.
    lines = []
    for ln in files["pgbackrest/pgbackrest.conf"].splitlines():
        m = re.match(r"^(repo\d+)-(s3-|storage-)", ln)
        if m:
            continue
        m = re.match(r"^(repo\d+)-type=s3$", ln)
        if m:
            ln = f"{m.group(1)}-type=posix"
        m = re.match(r"^(repo\d+)-path=(.*)$", ln)
        if m:
            ln = f"{m.group(1)}-path={tmp_path}/{m.group(1)}"
        lines.append(ln)
    conf = tmp_path / "pgbackrest.conf"
    conf.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["pgbackrest", f"--config={conf}", "--stanza=main", f"--log-path={tmp_path}",
                          f"--lock-path={tmp_path}", "--log-level-file=off", "info"],
                         capture_output=True, text=True, timeout=60)
    text = out.stdout + out.stderr
    assert "invalid" not in text.lower() and "ERROR" not in out.stderr, text
    assert "stanza: main" in out.stdout


@pytest.mark.postgresql
def test_postgresql_fragment_names_real_settings(pg_cluster: Any, files: dict[str, str]) -> None:
    names = [m.group(1) for m in re.finditer(r"^([a-z_]+)\s*=", files["postgresql/archiving.conf"], re.M)]
    assert "archive_timeout" in names
    with pg_cluster.connect() as conn:
        known = {r[0] for r in conn.execute("select name from pg_settings where name = any(%s)", (names,))}
    assert set(names) == known


def test_mariadb_scripts_are_valid_bash(tmp_path: Path) -> None:
    from dbwright.spec import load_spec_text

    text = EXAMPLE.read_text().replace("dr:\n", "dr:\n  engine: mariadb\n", 1)
    loaded = load_spec_text(text, "m.yaml")
    assert loaded.spec is not None
    from dbwright.api import plan_dr

    written = write_dr_files(plan_dr(loaded.spec), tmp_path)
    scripts = [p for p in written if p.suffix == ".sh"]
    assert len(scripts) == 3
    for p in scripts:
        out = subprocess.run(["bash", "-n", str(p)], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
    restore = (tmp_path / "mariadb" / "restore-pitr.sh").read_text()
    assert "mariadb_backup_binlog_info" in restore and "--skip-log-bin" in restore
