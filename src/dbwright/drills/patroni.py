"""A throwaway 3-node Patroni cluster + etcd + HAProxy on loopback, for the failover drill.

Recipe: ``../shared/DRILL-RECIPES.md`` Drill 1 (Patroni 3.0.2, etcd 3.4 through Patroni's
``etcd3:`` section, HAProxy 2.6 checking ``GET /primary``). Patroni runs as the ``postgres`` user
under ``/usr/bin/python3`` (Debian's psycopg2; a pyenv ``python3`` may lack it); its PID is the
Popen PID (no ``runuser`` in between). Every process is started by PID and stopped by PID.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

from dbwright.drills.common import DrillError, DrillRun, postmaster_pid
from dbwright.drills.pgsetup import children_of, real_bindir
from dbwright.engines import process
from dbwright.engines.postgresql import require_bindir

PY = "/usr/bin/python3"
SCOPE = "drill"
NAMESPACE = "/dbwright/"
NODES = ("n1", "n2", "n3")


def _need(name: str, package: str) -> str:
    found = process.which(name, ("/usr/bin", "/usr/sbin"))
    if not found:
        raise DrillError(f"{name} not found: install the Debian package '{package}'")
    return found


def http_json(url: str, timeout: float = 0.5, data: dict[str, Any] | None = None) -> tuple[int, Any]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(Exception):
            return exc.code, json.loads(exc.read() or b"null")
        return exc.code, None


class PatroniCluster:
    """etcd + 3 Patroni nodes + HAProxy inside ``run.dir``; ``start()`` waits for a healthy cluster."""

    def __init__(self, run: DrillRun, ttl: float, loop_wait: float, retry_timeout: float,
                 synchronous_mode: bool):
        self.run = run
        self.patroni = _need("patroni", "patroni")
        self.patronictl = _need("patronictl", "patroni")
        self.etcd = _need("etcd", "etcd-server")
        self.haproxy = _need("haproxy", "haproxy")
        if not Path(PY).exists():
            raise DrillError(f"{PY} not found (Patroni needs Debian's python3 with python3-psycopg2)")
        self.bindir = real_bindir(require_bindir())
        self.ids = process.service_user("postgres")
        self.dcs = {"ttl": ttl, "loop_wait": loop_wait, "retry_timeout": retry_timeout,
                    "synchronous_mode": synchronous_mode}
        ports: set[int] = set()
        while len(ports) < 10:
            ports.add(process.free_port())
        p = sorted(ports)
        self.etcd_client, self.etcd_peer, self.hap_port, self.hap_stats = p[0], p[1], p[2], p[3]
        self.pg_ports = dict(zip(NODES, p[4:7], strict=True))
        self.api_ports = dict(zip(NODES, p[7:10], strict=True))
        self.procs: dict[str, Any] = {}
        run.on_cleanup(self.stop_all)

    # -- paths ---------------------------------------------------------------------------------
    def node_dir(self, n: str) -> Path:
        return self.run.dir / n

    def data_dir(self, n: str) -> Path:
        return self.node_dir(n) / "data"

    def cfg(self, n: str) -> Path:
        return self.node_dir(n) / "patroni.yml"

    @property
    def router_dsn(self) -> str:
        return f"host=127.0.0.1 port={self.hap_port} user=postgres dbname=postgres connect_timeout=2"

    def node_dsn(self, n: str) -> str:
        return f"host=127.0.0.1 port={self.pg_ports[n]} user=postgres dbname=postgres connect_timeout=2"

    # -- start ---------------------------------------------------------------------------------
    def start(self) -> None:
        etcd_dir = self.run.dir / "etcd"
        etcd_dir.mkdir()
        c, pe = f"http://127.0.0.1:{self.etcd_client}", f"http://127.0.0.1:{self.etcd_peer}"
        self.procs["etcd"] = self.run.spawn(
            [self.etcd, "--name", "e1", "--data-dir", str(etcd_dir / "data"), "--listen-client-urls", c,
             "--advertise-client-urls", c, "--listen-peer-urls", pe, "--initial-advertise-peer-urls", pe,
             "--initial-cluster", f"e1={pe}", "--initial-cluster-state", "new"], "etcd.log")
        self.run.wait_for(lambda: http_json(f"{c}/version")[0] == 200, 30, "etcd to answer")
        for n in NODES:
            self.node_dir(n).mkdir()
            self.cfg(n).write_text(self._patroni_yaml(n))
            process.chown_tree(self.node_dir(n), self.ids)
            self.node_dir(n).chmod(0o700)
        self.start_node("n1")
        self.run.wait_for(lambda: http_json(self.api("n1", "/primary"))[0] == 200, 120, "n1 to bootstrap as leader",
                          0.2)
        self.start_node("n2")
        self.start_node("n3")
        self._start_haproxy()
        self.wait_healthy(180)

    def _patroni_yaml(self, n: str) -> str:
        d = self.node_dir(n)
        dcs = self.dcs
        return f"""scope: {SCOPE}
namespace: {NAMESPACE}
name: {n}
log:
  dir: {d}
  level: INFO
restapi:
  listen: 127.0.0.1:{self.api_ports[n]}
  connect_address: 127.0.0.1:{self.api_ports[n]}
etcd3:
  hosts: 127.0.0.1:{self.etcd_client}
bootstrap:
  dcs:
    ttl: {dcs['ttl']}
    loop_wait: {dcs['loop_wait']}
    retry_timeout: {dcs['retry_timeout']}
    maximum_lag_on_failover: 1048576
    synchronous_mode: {str(dcs['synchronous_mode']).lower()}
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 128MB
        fsync: "on"
        synchronous_commit: "on"
  initdb:
  - encoding: UTF8
  - data-checksums
  - locale: C.UTF-8
postgresql:
  listen: 127.0.0.1:{self.pg_ports[n]}
  connect_address: 127.0.0.1:{self.pg_ports[n]}
  data_dir: {d / 'data'}
  bin_dir: {self.bindir}
  pgpass: {d / 'pgpass'}
  authentication:
    replication: {{username: replicator, password: rep}}
    superuser: {{username: postgres, password: pg}}
    rewind: {{username: postgres, password: pg}}
  parameters:
    unix_socket_directories: '{d}'
  pg_hba:
  - local all all trust
  - host replication replicator 127.0.0.1/32 trust
  - host all all 127.0.0.1/32 trust
watchdog:
  mode: "off"
"""

    def start_node(self, n: str) -> None:
        env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(self.node_dir(n)), "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8"}
        self.procs[n] = self.run.spawn([PY, self.patroni, str(self.cfg(n))], f"patroni-{n}.log", ids=self.ids,
                                       env=env, cwd=self.node_dir(n))

    def _start_haproxy(self) -> None:
        servers = "\n".join(f"    server {n} 127.0.0.1:{self.pg_ports[n]} maxconn 100 check port {self.api_ports[n]}"
                            for n in NODES)
        cfg = self.run.dir / "haproxy.cfg"
        cfg.write_text(f"""global
    maxconn 200
defaults
    mode tcp
    timeout connect 2s
    timeout client 30m
    timeout server 30m
    retries 1
listen stats
    mode http
    bind 127.0.0.1:{self.hap_stats}
    stats enable
    stats uri /
listen primary
    bind 127.0.0.1:{self.hap_port}
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
{servers}
""")
        self.run.run([self.haproxy, "-c", "-f", str(cfg)], timeout=30)
        self.procs["haproxy"] = self.run.spawn([self.haproxy, "-f", str(cfg), "-db"], "haproxy.log")

    # -- state ---------------------------------------------------------------------------------
    def api(self, n: str, path: str) -> str:
        return f"http://127.0.0.1:{self.api_ports[n]}{path}"

    def leader_key(self) -> str | None:
        """The leader's name as stored in etcd (None while the key is absent)."""
        key = base64.b64encode(f"{NAMESPACE}{SCOPE}/leader".encode()).decode()
        code, body = http_json(f"http://127.0.0.1:{self.etcd_client}/v3/kv/range", 0.5, {"key": key})
        if code != 200 or not body:
            raise DrillError(f"etcd range failed: {code}")
        kvs = body.get("kvs") or []
        return base64.b64decode(kvs[0]["value"]).decode() if kvs else None

    def cluster_state(self) -> dict[str, Any]:
        for n in NODES:
            with contextlib.suppress(Exception):
                code, body = http_json(self.api(n, "/cluster"), 1.0)
                if code == 200 and body:
                    return dict(body)
        raise DrillError("no Patroni REST API answered")

    def healthy(self) -> bool:
        st = self.cluster_state()
        members = st.get("members", [])
        if len(members) != 3:
            return False
        leaders = [m for m in members if m.get("role") in ("leader", "master", "primary")]
        if len(leaders) != 1 or leaders[0].get("state") != "running":
            return False
        replicas = [m for m in members if m not in leaders]
        if any(m.get("state") not in ("running", "streaming") or m.get("lag", 1) not in (0,) for m in replicas):
            return False
        has_sync = any(m.get("role") == "sync_standby" for m in members)
        if bool(self.dcs["synchronous_mode"]) != has_sync:
            return False
        if self.leader_key() != leaders[0]["name"]:
            return False
        import psycopg

        # Both replicas really streaming (Patroni creates their slots one HA loop after they join;
        # until then /cluster shows them running at "lag 0" while they receive nothing).
        with psycopg.connect(self.node_dsn(leaders[0]["name"]), autocommit=True) as conn:
            row = conn.execute("select count(*) filter (where state = 'streaming' and "
                               "pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn) = 0), "
                               "count(*) filter (where sync_state = 'sync') from pg_stat_replication").fetchone()
        if not row or row[0] != 2 or (row[1] > 0) != bool(self.dcs["synchronous_mode"]):
            return False
        with psycopg.connect(self.router_dsn, autocommit=True) as conn:
            conn.execute("select 1")
        return True

    def wait_healthy(self, timeout: float) -> None:
        self.run.wait_for(self.healthy, timeout, "3 Patroni members healthy (1 leader, 2 replicas at lag 0)", 0.5)

    def set_dcs(self, **changes: Any) -> None:
        """Change DCS settings live (``patronictl edit-config``), then wait a loop for them to apply."""
        old_loop = float(self.dcs["loop_wait"])
        args = []
        for k, v in changes.items():
            args += ["-s", f"{k}={str(v).lower() if isinstance(v, bool) else v}"]
        self.run.run([PY, self.patronictl, "-c", str(self.cfg("n1")), "edit-config", *args, "--force"],
                     self.ids, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(self.node_dir("n1")),
                                                "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
        self.dcs.update(changes)
        time.sleep(max(old_loop, float(self.dcs["loop_wait"])) + 1.5)

    def replication_lag(self, leader: str) -> dict[str, Any]:
        import psycopg

        with contextlib.suppress(Exception), psycopg.connect(self.node_dsn(leader), autocommit=True) as conn:
            rows = conn.execute("select application_name, sync_state, "
                                "pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::bigint, "
                                "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint "
                                "from pg_stat_replication").fetchall()
            return {r[0]: {"sync_state": r[1], "flush_lag_bytes": r[2], "replay_lag_bytes": r[3]} for r in rows}
        return {}

    # -- failure -------------------------------------------------------------------------------
    def stall_replicas(self, leader: str) -> list[int]:
        """SIGSTOP the leader's WAL senders: the replicas stay connected but receive nothing more,
        which is what a saturated or partitioned link looks like. (Stopping the receivers instead
        does not work: the senders keep filling the loopback socket buffers, and the replicas read
        the whole stall from them once resumed.) Returns the PIDs."""
        stopped = []
        pm = postmaster_pid(self.data_dir(leader))
        for k in children_of(pm) if pm else []:
            with contextlib.suppress(OSError):
                if b"walsender" in Path(f"/proc/{k}/cmdline").read_bytes():
                    os.kill(k, signal.SIGSTOP)
                    stopped.append(k)
        if not stopped:
            raise DrillError("no WAL sender found on the leader to stall")
        return stopped

    @staticmethod
    def resume(pids: list[int]) -> None:
        for k in pids:
            with contextlib.suppress(OSError):
                os.kill(k, signal.SIGCONT)

    def kill_node(self, n: str) -> float:
        """kill -9 the node's Patroni and postmaster together; returns the time of the kill."""
        pat = self.procs[n].pid
        pm = postmaster_pid(self.data_dir(n))
        kids = children_of(pm) if pm else []
        for k in kids:
            self.run.track(k)
        t0 = time.time()
        process.kill_pid(pat, signal.SIGKILL)
        if pm:
            process.kill_pid(pm, signal.SIGKILL)
        # A lost host takes every process with it: WAL senders must not outlive the postmaster and
        # ship the last WAL after the kill (they would only notice its death on their next loop).
        for k in kids:
            process.kill_pid(k, signal.SIGKILL)
        return t0

    def reap_killed(self, n: str) -> None:
        self.run.stop_pid(self.procs[n].pid, signal.SIGKILL, timeout=5)
        self.run.pids[:] = [p for p in self.run.pids if process.pid_alive(p)]

    def stop_all(self) -> None:
        """Patroni first (it stops its PostgreSQL), then leftover postmasters, HAProxy, etcd."""
        for n in NODES:
            proc = self.procs.get(n)
            if proc is not None and proc.poll() is None:
                process.kill_pid(proc.pid, signal.SIGTERM)
        end = time.monotonic() + 30
        while time.monotonic() < end and any(
                self.procs.get(n) is not None and self.procs[n].poll() is None for n in NODES):
            time.sleep(0.1)
        for n in NODES:
            pm = postmaster_pid(self.data_dir(n))
            if pm and process.pid_alive(pm):
                with contextlib.suppress(Exception):
                    process.run([str(self.bindir / "pg_ctl"), "-D", str(self.data_dir(n)), "-m", "immediate",
                                 "-w", "-t", "20", "stop"], self.ids, timeout=30)
                if process.pid_alive(pm):
                    process.kill_pid(pm, signal.SIGKILL)
        for name in ("haproxy", "etcd"):
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is None:
                self.run.stop_pid(proc.pid)
