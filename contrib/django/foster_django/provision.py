"""Provisioning through the foster command: `foster up --json` and `foster down`.

Used by FosterRunner and the pytest plugin when the tests run outside
`foster run`. Which foster and which manifest:

    binary:   the `binary` argument, else $FOSTER, else settings.FOSTER_BINARY,
              else `foster` on PATH
    manifest: the `config` argument, else settings.FOSTER_CONFIG, else foster's
              own default ($FOSTER_CONFIG, else foster.ini in the working
              directory or the nearest folder above it)
    backend:  the `backend` argument (-b), else the manifest's `backend`
"""

import contextlib
import copy
import json
import os
import shutil
import signal
import subprocess

from .databases import configure, needs_provisioning


class FosterError(RuntimeError):
    """foster could not be found, or `foster up`/`foster down` failed."""


def find_foster(binary=None):
    """The foster executable to run, as a path.

    Raises FosterError when none is found.
    """
    candidate = binary or os.environ.get("FOSTER") or _setting("FOSTER_BINARY") or "foster"
    candidate = os.fspath(candidate)
    found = shutil.which(candidate) if os.sep not in candidate else candidate
    if not found or not os.access(found, os.X_OK):
        raise FosterError(
            "foster_django: cannot run foster (%r): put foster on PATH, or set FOSTER=/path/to/foster "
            "(or settings.FOSTER_BINARY)" % candidate)
    return found


def foster_command(binary=None, config=None, backend=None, quiet=False):
    """The argv prefix for foster with the common options."""
    argv = [find_foster(binary)]
    config = config or _setting("FOSTER_CONFIG")
    if config:
        argv += ["-c", os.path.abspath(os.fspath(config))]
    if backend:
        argv += ["-b", backend]
    if quiet:
        argv.append("-q")
    return argv


def up(binary=None, config=None, backend=None, quiet=False):
    """Runs `foster up --json`; returns the environment it printed (a dict of str).

    foster's progress and errors go to this process's stderr. Raises
    FosterError when foster fails (its exit status in the message).
    """
    argv = foster_command(binary, config, backend, quiet) + ["up", "--json"]
    completed = subprocess.run(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise FosterError("foster_django: `foster %s` failed with exit status %d"
                          % (" ".join(argv[1:]), completed.returncode))
    try:
        environment = json.loads(completed.stdout.decode("utf-8"))
    except ValueError as error:
        raise FosterError("foster_django: `foster up --json` printed no JSON object: %s" % error)
    if not isinstance(environment, dict) or "DATABASE_URL" not in environment:
        raise FosterError("foster_django: `foster up --json` printed no DATABASE_URL")
    return {str(k): str(v) for k, v in environment.items()}


def down(run_id, binary=None, config=None, quiet=False):
    """Runs `foster down RUN_ID`. Raises FosterError when it fails."""
    argv = foster_command(binary, config, None, quiet) + ["down", run_id]
    # stdout holds `unset NAME` lines for a shell's eval: not for the test output.
    completed = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise FosterError("foster_django: `foster down %s` failed with exit status %d"
                          % (run_id, completed.returncode))


def pending_aliases(aliases=None):
    """The DATABASES aliases (of `aliases`, default all) that need a foster database."""
    from django.db import connections

    names = list(aliases) if aliases is not None else list(connections.settings)
    return [alias for alias in names if needs_provisioning(connections.settings[alias])]


def point_at(alias, url):
    """Re-points the DATABASES entry `alias` at `url`; returns a copy of the entry as it was."""
    from django.db import connections

    entry = connections.settings[alias]
    before = copy.deepcopy(entry)
    configure(entry, url)
    _sync(alias, entry)
    return before


def restore(alias, before):
    """Puts the DATABASES entry `alias` back as point_at() found it."""
    from django.db import connections

    entry = connections.settings[alias]
    entry.clear()
    entry.update(before)
    _sync(alias, entry)


def _sync(alias, entry):
    from django.conf import settings
    from django.db import connections

    if settings.DATABASES.get(alias) is not entry:
        settings.DATABASES[alias].clear()
        settings.DATABASES[alias].update(copy.deepcopy(entry))
    # A connection object, when one exists, was built for the old ENGINE:
    # close it and let the next use build one for the new entry. (Getting it
    # makes one when there is none; closing a connection never opened is
    # nothing.)
    connections[alias].close()
    del connections[alias]


def close_all():
    from django.db import connections

    for connection in connections.all():
        connection.close()


class Provision:
    """One `foster up` ... `foster down` for the pending DATABASES entries.

    start() does nothing (returns None) when no entry in `aliases` (default
    all) is pending: under `foster run`, database() already points at
    foster's database. Otherwise it runs `foster up`, exports its
    environment into os.environ (so the tests and their subprocesses see
    DATABASE_URL, FOSTER_RUN_ID, PG*), points the pending entries at the
    database, makes SIGTERM and SIGHUP raise Terminated (so that the run
    stops and the teardown runs), and returns the environment.

    stop() closes Django's connections, puts the entries and os.environ back
    and runs `foster down RUN_ID`; after a SIGTERM or SIGHUP it then ends the
    process by that signal. It is safe to call when start() did nothing, and
    more than once.
    """

    def __init__(self, aliases=None, binary=None, config=None, backend=None, quiet=False):
        self.aliases = aliases
        self.binary = binary
        self.config = config
        self.backend = backend
        self.quiet = quiet
        self.environment = None
        self._entries = {}
        self._environ = {}
        self._handlers = {}
        self.terminated_by = None

    def start(self):
        pending = pending_aliases(self.aliases)
        if not pending:
            return None
        environment = up(binary=self.binary, config=self.config, backend=self.backend,
                         quiet=self.quiet)
        self.environment = environment
        try:
            self._environ = {name: os.environ.get(name) for name in environment}
            self._handlers = _install_termination_handlers(self)
            os.environ.update(environment)
            for alias in pending:
                self._entries[alias] = point_at(alias, environment["DATABASE_URL"])
        except BaseException:
            self.stop()
            raise
        return environment

    def stop(self):
        environment, self.environment = self.environment, None
        if environment is None:
            return
        try:
            close_all()
            for alias, before in self._entries.items():
                restore(alias, before)
        finally:
            self._entries = {}
            for name, value in self._environ.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            _restore_handlers(self._handlers)
            self._handlers = {}
            try:
                down(environment["FOSTER_RUN_ID"], binary=self.binary, config=self.config,
                     quiet=self.quiet)
            finally:
                if self.terminated_by is not None:
                    # End as the signal meant: status 128+N for whoever waits.
                    signal.signal(self.terminated_by, signal.SIG_DFL)
                    os.kill(os.getpid(), self.terminated_by)

    @property
    def run_id(self):
        return self.environment["FOSTER_RUN_ID"] if self.environment else None


@contextlib.contextmanager
def provisioned(aliases=None, binary=None, config=None, backend=None, quiet=False):
    """Provision.start() before the block, Provision.stop() after it (however it ends).

    Yields foster's environment, or None when nothing needed provisioning.
    """
    provision = Provision(aliases, binary, config, backend, quiet)
    environment = provision.start()
    try:
        yield environment
    finally:
        provision.stop()


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP during the tests.

    A KeyboardInterrupt, so that unittest and pytest stop the run instead of
    recording it as one test's error, and the teardown runs; after `foster
    down`, Provision.stop() ends the process by the same signal.
    """

    def __init__(self, signum):
        super().__init__("terminated by signal %d" % signum)
        self.signum = signum


def _install_termination_handlers(provision):
    """SIGTERM and SIGHUP raise Terminated; returns the handlers they replaced."""
    saved = {}
    owner = os.getpid()

    def terminate(signum, frame):
        if os.getpid() != owner:
            # A forked child (Django's --parallel workers, ...): die as by default.
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        provision.terminated_by = signum
        raise Terminated(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(signum) is signal.SIG_DFL:
                saved[signum] = signal.signal(signum, terminate)
        except ValueError:  # not the main thread: leave signals alone
            pass
    return saved


def _restore_handlers(saved):
    for signum, handler in saved.items():
        try:
            signal.signal(signum, handler)
        except ValueError:
            pass


def _setting(name):
    try:
        from django.conf import settings

        return getattr(settings, name, None) if settings.configured else None
    except ImportError:
        return None
