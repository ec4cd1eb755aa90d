"""Run the processes of a Procfile under supervisord: a crashed process is restarted alone.

``python -m scripts.supervise Procfile`` (what ``make run`` does; ``make run-scale`` passes
``Procfile.scale``) writes ``var/supervisor/Procfile.conf`` with one ``[program:NAME]`` per
Procfile line and replaces itself with ``supervisord -n`` on that file. Ctrl-C (SIGINT) or
SIGTERM to it stops every program and its children, then supervisord itself.

The Procfile stays the one list of processes; each line runs through ``bash -c``, so its
``${VAR:-default}`` and ``${VAR:+...}`` expansions work as under honcho, and bash replaces
itself with the command (one simple command), so supervisord's pid is the server's own.
Status: ``.venv/bin/supervisorctl -c var/supervisor/Procfile.conf status``.

``--env-file FILE`` (repeatable, in order) sources bash files of settings first, as the roles
of a host do (``deploy/roles/``): every variable they set is exported to the programs, and
one that stops (``${VAR:?message}``) stops the start with its message.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Mapping, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
RUN_DIR = ROOT / "var" / "supervisor"
LOG_DIR = ROOT / "var" / "log"

# A program must stay up STARTSECS seconds to count as started; one that exits sooner is
# retried after 1, 2, 3 ... seconds (supervisord's backoff), STARTRETRIES times, and then
# left FATAL (``supervisorctl start NAME`` tries again) while the other programs go on. One
# that exits after having started is started again at once (autorestart).
STARTSECS = 10
STARTRETRIES = 10
# Seconds between SIGTERM to a program's process group and SIGKILL to it.
STOPWAITSECS = 20
# A Unix socket path longer than this does not fit in sockaddr_un on Linux.
MAX_SOCKET_PATH = 107

_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


@dataclass(frozen=True)
class Program:
    """One Procfile line: the process name and its shell command."""

    name: str
    command: str


def read_procfile(path: Path) -> List[Program]:
    """The programs of the Procfile at ``path``, in file order.

    Blank lines and lines starting with ``#`` are skipped. Raises ``ValueError`` for a
    line that is not ``name: command`` or repeats a name.
    """
    programs: List[Program] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _LINE.match(line)
        if found is None:
            raise ValueError(f"{path}:{number}: not 'name: command'")
        if any(program.name == found[1] for program in programs):
            raise ValueError(f"{path}:{number}: process {found[1]!r} appears twice")
        programs.append(Program(found[1], found[2].strip()))
    return programs


def _value(text: str) -> str:
    """``text`` as a supervisord configuration value (no interpolation, no comment)."""
    if "\n" in text or re.search(r"\s;", text):
        # supervisord's parser would end the value there (" ;" starts a comment).
        raise ValueError(f"cannot be written to a supervisord configuration: {text!r}")
    return text.replace("%", "%%")


def config_text(programs: Sequence[Program], run_dir: Path, log_dir: Path, name: str,
                password: str, directory: Path = ROOT) -> str:
    """The supervisord configuration that runs ``programs`` (from the Procfile ``name``).

    Socket and pid file go to ``run_dir``, supervisord's own log and one log per program
    (``NAME.log``, stdout and stderr, rotated at 10 MB) to ``log_dir``; the programs run
    in ``directory`` with supervisord's environment. supervisorctl reads ``password``
    (for the socket, which only this user may open anyway) from the same file.
    """
    sock = run_dir / f"{name}.sock"
    if len(str(sock)) > MAX_SOCKET_PATH:
        raise ValueError(f"socket path too long for a Unix socket: {sock}")
    bash = shutil.which("bash") or "/bin/bash"
    lines = [
        f"; Written by scripts/supervise.py from {name}; rewritten on every start.",
        "[supervisord]",
        "nodaemon=true",
        # In the foreground supervisord also prints its log (starts, exits, restarts).
        f"logfile={_value(str(log_dir / 'supervisord.log'))}",
        "logfile_maxbytes=10MB",
        "logfile_backups=3",
        "loglevel=info",
        f"pidfile={_value(str(run_dir / f'{name}.pid'))}",
        f"childlogdir={_value(str(log_dir))}",
        "",
        "[unix_http_server]",
        f"file={_value(str(sock))}",
        "chmod=0700",  # only this user may use supervisorctl
        "username=supervise",
        f"password={_value(password)}",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_value(str(sock))}",
        "username=supervise",
        f"password={_value(password)}",
    ]
    for program in programs:
        lines += [
            "",
            f"[program:{program.name}]",
            f"command={_value(shlex.join([bash, '-c', program.command]))}",
            f"directory={_value(str(directory))}",
            "autostart=true",
            "autorestart=true",
            f"startsecs={STARTSECS}",
            f"startretries={STARTRETRIES}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOPWAITSECS}",
            "stopasgroup=true",  # gunicorn's workers and any other child stop too
            "killasgroup=true",
            "redirect_stderr=true",
            f"stdout_logfile={_value(str(log_dir / f'{program.name}.log'))}",
            "stdout_logfile_maxbytes=10MB",
            "stdout_logfile_backups=3",
        ]
    return "\n".join(lines) + "\n"


def write_config(procfile: Path, run_dir: Path = RUN_DIR, log_dir: Path = LOG_DIR,
                 only: Optional[Sequence[str]] = None) -> Path:
    """Write the configuration for ``procfile`` (its programs ``only``, if given); its path."""
    programs = read_procfile(procfile)
    if only:
        unknown = sorted(set(only) - {program.name for program in programs})
        if unknown:
            raise ValueError(f"not in {procfile}: {', '.join(unknown)}")
        programs = [program for program in programs if program.name in only]
    run_dir.mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    config = run_dir / f"{procfile.name}.conf"
    if _listening(run_dir / f"{procfile.name}.sock"):
        raise RuntimeError(f"a supervisord for {procfile.name} already runs: "
                           f"supervisorctl -c {config} status")
    text = config_text(programs, run_dir.resolve(), log_dir.resolve(), procfile.name,
                       secrets.token_hex(16))
    config.unlink(missing_ok=True)
    with os.fdopen(os.open(config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w",
                   encoding="utf-8") as file:  # holds the socket's password: owner only
        file.write(text)
    return config


def _listening(path: Path) -> bool:
    """Whether a process accepts connections on the Unix socket ``path``."""
    with socket.socket(socket.AF_UNIX) as client:
        try:
            client.connect(str(path))
        except OSError:
            return False
    return True


def settings_from(env_files: Sequence[Path],
                  base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """The environment after sourcing ``env_files`` in order with bash (``set -a``).

    It starts from ``base`` (default: this process's environment).
    """
    script = 'set -a; for file in "$@"; do . "$file" || exit 1; done; env -0'
    done = subprocess.run(["bash", "-c", script, "env-files", *map(str, env_files)],
                          capture_output=True, cwd=ROOT, check=False,
                          env=dict(os.environ if base is None else base))
    if done.returncode != 0:
        raise ValueError(done.stderr.decode("utf-8", "replace").strip()
                         or f"an env file failed: {' '.join(map(str, env_files))}")
    pairs = (item.split("=", 1) for item in done.stdout.decode("utf-8").split("\0") if item)
    return {name: value for name, value in pairs if name not in {"_", "SHLVL", "PWD"}}


def supervisor_bin(name: str) -> str:
    """``supervisord`` or ``supervisorctl`` of this Python's environment (else from PATH)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: install requirements/service.lock")
    return found


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Write the configuration and exec supervisord on it (returns only for ``--print``)."""
    parser = argparse.ArgumentParser(
        description="Run the processes of a Procfile under supervisord.")
    parser.add_argument("procfile", type=Path, help="Procfile or Procfile.scale")
    parser.add_argument("names", nargs="*", help="run only these processes of the Procfile")
    parser.add_argument("--run-dir", type=Path, default=RUN_DIR,
                        help="configuration, socket and pid file (default var/supervisor)")
    parser.add_argument("--log-dir", type=Path, default=LOG_DIR,
                        help="one log per process and supervisord.log (default var/log)")
    parser.add_argument("--env-file", type=Path, action="append", default=[],
                        help="a bash file of settings to source first (repeatable, in order)")
    parser.add_argument("--print", action="store_true",
                        help="print the configuration's path instead of starting supervisord")
    args = parser.parse_args(argv)
    try:
        if args.env_file:
            os.environ.update(settings_from(args.env_file))
        config = write_config(args.procfile, args.run_dir, args.log_dir, args.names)
    except (OSError, ValueError, RuntimeError) as error:
        print(f"supervise: {error}", file=sys.stderr)
        return 2
    if args.print:
        print(config)
        return 0
    supervisord = supervisor_bin("supervisord")
    sys.stdout.flush()
    os.execv(supervisord, [supervisord, "-n", "-c", str(config)])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
