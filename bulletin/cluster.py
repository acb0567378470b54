"""Cluster: speak the sentences of many editions on a Ray cluster (``bulletin run --ray``).

Speech synthesis is most of a build's work. On a cluster, ``nightly.run_editions`` first writes
the script of every edition (``pipeline.draft_bulletin``). ``ClusterSpeaker`` then takes the
sentences of all of them, drops those the driver's synthesis cache holds and those another
edition shares (one cache key is spoken once), and sends the rest in batches to Ray actors, each
holding the voices in single-threaded ONNX sessions on one CPU. The audio comes back through
Ray's object store into the driver's cache, and each edition is then mastered, encoded and
published on the driver, from the cache, exactly as a local run would make it: by
``pipeline.build_bulletin``, with the speaker as who speaks (``pipeline.Speaker``). Workers never
see the output folder or the voice files (a voice's model travels as bytes), so a cluster needs
no shared filesystem.

An actor that dies is restarted by Ray and its batch retried; a batch whose actor is gone for
good is sent to another. A node that dies takes its actors with it: the driver watches the
cluster's nodes, names the lost one in the log and sends its batches to the actors left (Ray
would wait to restart them on a CPU that may never come free). Work goes only to actors that
have started; when none has for ``[cluster] wait_for_cpus_s``, the sentences left are failed
with what the cluster lacks, or spoken on the driver (``fallback = "local"``). A connection the
cluster refuses is named by its cause (its token, its version, the address).

Ray is an optional extra (``pip install -e '.[ray]'``), imported only here and only when a run
asks for a cluster.
"""

from __future__ import annotations

import collections
import logging
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from .config import ClusterConfig, VoiceConfig
from .errors import ConfigError, SynthesisError
from .models import ClusterReport, SpeechSegment
from .synthesise import Voice, cache_speech, load_model, speak, speech_cache_path

__all__ = ["ACTOR_PREFIX", "NAMESPACE", "ClusterSpeaker", "refused_because"]

logger = logging.getLogger(__name__)

NAMESPACE = "bulletin"
"""The Ray namespace of the speaking actors."""
ACTOR_PREFIX = "speaker-"
"""Their names start so (``speaker-PID-N``): ``ray.get_actor`` finds one to look at or kill."""
_IN_FLIGHT_PER_ACTOR = 2
"""Batches an actor holds at once: the next one is queued while a result travels home."""
_ATTEMPTS = 3
"""Actors a batch may lose (each after Ray's own restarts and retries) before it fails."""
_QUIET_WARNING_S = 120.0
"""Warn when no batch has come home for this long."""
_NODE_CHECK_S = 1.0
"""How often the driver asks the cluster which nodes are alive."""
_CONNECT_TIMEOUT_S = 10.0
"""How long the cluster's address may take to answer at all (and then to speak gRPC)."""
_EXTRA = "pip install -e '.[ray]'"
_HOW_TO_REACH = (
    "Start one (ray start --head) or give its address: --ray HOST:6379, --ray ray://HOST:10001, "
    "or --ray local for one on this machine alone"
)

_VoicePayload = tuple[str, str, dict[str, Any], list[Any]]


# --- on the cluster ----------------------------------------------------------------------------


class _SpeakerActor:
    """A Ray actor that holds voices and speaks batches of sentences with them.

    A voice is ``(key, name, config, [model])``, ``model`` the object-store reference to its
    model file's bytes (in a list, so Ray hands over the reference, not 60 MB a call). Each
    call carries its voice and the actor loads it once: a restarted actor, retried by Ray,
    loads it again.
    """

    def __init__(self) -> None:
        self._voices: dict[str, object] = {}

    def node(self) -> str:
        """Where it runs (``NODE_ID@ADDRESS``); answering also says it has started."""
        import ray

        context = ray.get_runtime_context()
        return f"{context.get_node_id()}@{ray.util.get_node_ip_address()}"  # type: ignore[no-untyped-call]

    def load(self, voice: _VoicePayload) -> None:
        import ray

        key, name, config, model = voice
        if key not in self._voices:
            model_bytes = cast(bytes, ray.get(model[0]))
            self._voices[key] = load_model(name, config, model_bytes, threads=1)

    def speak(
        self, voice: _VoicePayload, texts: list[str], length_scale: float | None
    ) -> tuple[list[np.ndarray], float]:
        """The sentences spoken, and the seconds that took (what sizing a cluster needs)."""
        self.load(voice)
        loaded = self._voices[voice[0]]
        started = time.perf_counter()
        spoken = []
        for text in texts:
            try:
                spoken.append(speak(loaded, text, length_scale))
            except Exception as exc:
                raise SynthesisError(f"voice failed on {text[:60]!r}: {exc}") from exc
        return spoken, time.perf_counter() - started


# --- on the driver -----------------------------------------------------------------------------


@dataclass
class _Batch:
    voice_key: str
    length_scale: float | None
    texts: list[str]
    paths: list[Path]
    rate: int
    lost: int = 0
    """Actors that died holding it."""


@dataclass
class _Tally:
    sentences: int = 0
    cached: int = 0
    spoken: int = 0
    spoken_s: float = 0.0
    speaking_s: float = 0.0
    saved_s: float = 0.0
    lost_batches: int = 0
    lost_nodes: list[str] = field(default_factory=list)
    fallback: int = 0
    editions_of: dict[Path, int] = field(default_factory=dict)
    """How many editions read each sentence to be spoken."""


def _check_reachable(address: str) -> None:
    """Fail at once on an address where nothing answers, or where what answers is not Ray:
    Ray itself retries for minutes.

    Raises:
        ConfigError: nothing accepts a connection at ``HOST:PORT`` (``ray://`` or not), or
            what does never speaks gRPC (HTTP/2), as a head's GCS and Ray's client server do.
    """
    if address in ("auto", "local"):
        return  # Ray looks on this machine and says at once if it finds nothing
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection(
            (host.strip("[]"), int(port)), timeout=_CONNECT_TIMEOUT_S
        ) as conn:
            if _speaks_http2(conn):
                return
    except ValueError:
        reason = "not HOST:PORT"
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
    else:
        raise ConfigError(
            f"something answers at {address!r}, but not as a Ray cluster's head (no gRPC): "
            "check the address and port (`ray status` on the head prints it; the head's port "
            f"is 6379 unless `ray start --port` said otherwise, ray:// is 10001). {_HOW_TO_REACH}"
        )
    raise ConfigError(f"cannot reach the Ray cluster at {address!r} ({reason}). {_HOW_TO_REACH}")


_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
"""What an HTTP/2 client says first: the preface and an empty SETTINGS frame."""


def _speaks_http2(conn: socket.socket) -> bool:
    """Whether the server answers HTTP/2's preface with a SETTINGS frame, as every gRPC server
    does; with TLS on (``RAY_USE_TLS``) it would not, so it is taken on trust."""
    if os.environ.get("RAY_USE_TLS", "0").lower() in ("1", "true"):
        return True
    try:
        conn.sendall(_HTTP2_PREFACE)
        header = b""
        while len(header) < 9:
            got = conn.recv(9 - len(header))
            if not got:
                return False
            header += got
    except OSError:  # silent (timed out) or reset
        return False
    return header[3] == 4  # a frame of type SETTINGS


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _chain(exc: BaseException) -> str:
    """The text of an exception and of every one it was raised from (Ray wraps its causes)."""
    texts, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return "\n".join(texts)


def _token_sources() -> str:
    """Where this driver's Ray looks for a token, as they stand now."""
    mode = os.environ.get("RAY_AUTH_MODE")
    path = os.environ.get("RAY_AUTH_TOKEN_PATH")
    default = Path.home() / ".ray" / "auth_token"
    return "; ".join(
        [
            f"RAY_AUTH_MODE is {mode!r}" if mode else "RAY_AUTH_MODE is not set",
            "RAY_AUTH_TOKEN is " + ("set" if os.environ.get("RAY_AUTH_TOKEN") else "not set"),
            f"RAY_AUTH_TOKEN_PATH is {path!r}" if path else "RAY_AUTH_TOKEN_PATH is not set",
            f"{default} " + ("exists" if default.is_file() else "does not exist"),
        ]
    )


def _token_of_its_own() -> None:
    """Give a cluster started for the run alone a token of the run's own, in the environment.

    Ray turns token authentication on for a cluster ``ray.init`` starts and, finding no token,
    writes one to ``~/.ray/auth_token``. That file outlives the run, and the next ``ray start
    --head`` on the machine takes it up, refusing every driver that does not send it (issue
    23). A token the user set up is used as it is.
    """
    if os.environ.get("RAY_AUTH_MODE", "token").lower() != "token":
        return
    if os.environ.get("RAY_AUTH_TOKEN") or os.environ.get("RAY_AUTH_TOKEN_PATH"):
        return
    if (Path.home() / ".ray" / "auth_token").is_file():
        return
    os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)


def refused_because(address: str, exc: BaseException) -> str:
    """What to tell the user when ``ray.init`` fails at ``address``: the cause Ray buried in
    its chain of exceptions (and its log), and what to do about it."""
    text = _chain(exc)
    if "InvalidAuthToken" in text or "AuthenticationError" in text or "auth_token" in text:
        return (
            f"the Ray cluster at {address!r} refused this driver: its authentication token is "
            "missing or not the cluster's (InvalidAuthToken). Ray sends the token it finds "
            "first in RAY_AUTH_TOKEN, then in the file RAY_AUTH_TOKEN_PATH names, then in "
            "~/.ray/auth_token, and only with RAY_AUTH_MODE=token (here: "
            f"{_token_sources()}). Give the driver the cluster's token (`ray get-auth-token` "
            "on the head node) with RAY_AUTH_MODE=token, or, if the head picked up a stale "
            "~/.ray/auth_token another cluster left, move that file away and restart the head"
        )
    mismatch = re.search(r"Version mismatch: (.*?)(?:\n\n|$)", text, re.S)
    if mismatch:
        versions = " ".join(mismatch.group(1).split())
        return (
            f"the Ray cluster at {address!r} runs another version of Ray or Python than this "
            f"driver ({versions}). Install the cluster's Ray (pip install 'ray[default]==X.Y.Z') "
            "in a Python of the cluster's version here, or start the cluster with this "
            "driver's versions"
        )
    if "Could not find any running Ray instance" in text:
        return (
            "no Ray cluster is running on this machine (--ray alone joins the one here, or "
            f"the one RAY_ADDRESS names). {_HOW_TO_REACH}"
        )
    if "Timed out while waiting for GCS" in text or "Failed to connect to GCS" in text:
        return (
            f"something answers at {address!r}, but not as a Ray cluster's head (its GCS): "
            "check the address and port (`ray status` on the head prints it; the head's port "
            f"is 6379 unless `ray start --port` said otherwise, ray:// is 10001). {_HOW_TO_REACH}"
        )
    return f"cannot reach the Ray cluster at {address!r} ({_first_line(exc)}). {_HOW_TO_REACH}"


def _voice_key(voice: Voice) -> str:
    return voice.fingerprint[:16]


class ClusterSpeaker:
    """Speaks the sentences of many editions on a Ray cluster, into the driver's cache.

    A context manager: entering connects to the cluster and starts the actors, which load the
    voices at once; leaving stops them, and disconnects if it connected. ``speak`` sends every
    edition's sentences at once; ``wait`` returns when one edition's are in the cache, while
    the cluster goes on with the rest.

    Args:
        cfg: ``[cluster]``; its ``ray_address`` must be set.
        voices: every voice the editions speak with.

    Raises:
        ConfigError: Ray is not installed, or the cluster cannot be reached (named).
    """

    def __init__(self, cfg: ClusterConfig, voices: Iterable[Voice]) -> None:
        if cfg.ray_address is None:
            raise ValueError("ClusterSpeaker needs [cluster] ray_address")
        self.cfg = cfg
        self.address: str = cfg.ray_address
        self.voices = {_voice_key(v): v for v in voices}
        self._ray: Any = None
        self._connected_here = False
        self._gcs_address = self.address
        """The cluster as Ray names it once connected (``auto`` becomes ``HOST:PORT``)."""
        self._actors: list[Any] = []
        """The actor handles; None where one is gone for good."""
        self._nodes: dict[int, str] = {}
        """Where each actor that has started runs (``NODE_ID@ADDRESS``): only these get work."""
        self._resent: dict[int, list[_Batch]] = {}
        """The batches each lost actor held, sent again (named with its node, once lost)."""
        self._starting: dict[Any, int] = {}
        """The ``node`` calls of actors not started yet (waiting for a CPU)."""
        self._local: set[Path] = set()
        """Sentences left to the driver to speak (``fallback = "local"``)."""
        self._payloads: dict[str, _VoicePayload] = {}
        self._queue: collections.deque[_Batch] = collections.deque()
        self._in_flight: dict[Any, tuple[int, _Batch]] = {}
        self._done: set[Path] = set()
        self._failed: dict[Path, str] = {}
        self._changed = threading.Condition()
        self._pump: threading.Thread | None = None
        self._pump_ending = False
        """The pump found nothing left to do and is ending (under ``_changed``)."""
        self._fallen_back = False
        """The cluster could not speak: everything left goes to the driver."""
        self._gave_up: str | None = None
        """The cluster could not speak, and why: everything left fails so."""
        self._stopping = False
        self._tally = _Tally()

    # -- connecting --------------------------------------------------------------------------

    def __enter__(self) -> ClusterSpeaker:
        self._connect()
        try:
            self._start_actors()
        except BaseException:
            self._disconnect()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self._stopping = True
        if self._pump is not None:
            self._pump.join()
        for actor in self._actors:
            try:
                self._ray.kill(actor)
            except Exception:  # already gone with its node
                pass
        self._disconnect()

    def _connect(self) -> None:
        local = self.address == "local"
        if local:
            # A cluster of this machine alone talks over loopback, not the machine's address.
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
            _token_of_its_own()
        try:
            import ray
        except ImportError as exc:
            raise ConfigError(
                f"--ray needs Ray, an optional extra: {_EXTRA} (or pip install 'bulletin[ray]')"
            ) from exc
        self._ray = ray
        if ray.is_initialized():  # a caller connected already (a notebook, a test)
            self._gcs_address = str(ray.get_runtime_context().gcs_address)
            return
        os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # quiets a warning
        _check_reachable(self.address)
        options: dict[str, Any] = {
            "namespace": NAMESPACE,
            "log_to_driver": False,  # the actors' errors come home with their batches
            "logging_level": logging.WARNING,
        }
        if local:
            options["_node_ip_address"] = "127.0.0.1"
            options["include_dashboard"] = False
        started = time.perf_counter()
        try:
            ray.init(address=self.address, **options)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, its own errors
            raise ConfigError(refused_because(self.address, exc)) from exc
        self._connected_here = True
        self._gcs_address = str(ray.get_runtime_context().gcs_address)
        logger.info(
            "cluster: connected to %s in %.1f s", self._gcs_address, time.perf_counter() - started
        )

    def _disconnect(self) -> None:
        if self._connected_here:
            self._ray.shutdown()
            self._connected_here = False

    def _start_actors(self) -> None:
        ray = self._ray
        count = self.cfg.actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
        # One copy of each model in the object store; every actor (and restart) reads it there.
        self._payloads = {
            key: (key, voice.name, voice.config, [ray.put(voice.model_path.read_bytes())])
            for key, voice in self.voices.items()
        }
        remote = ray.remote(num_cpus=1, max_restarts=2, max_task_retries=2)(_SpeakerActor)
        self._actors = [
            remote.options(
                name=f"{ACTOR_PREFIX}{os.getpid()}-{index}", namespace=NAMESPACE
            ).remote()
            for index in range(count)
        ]
        for index, actor in enumerate(self._actors):  # the voices load while the driver goes on
            self._starting[actor.node.remote()] = index
            for payload in self._payloads.values():
                actor.load.remote(payload)
        logger.info(
            "cluster: %d actors loading %s", count, ", ".join(v.name for v in self.voices.values())
        )

    # -- speaking ----------------------------------------------------------------------------

    def speak(self, editions: list[tuple[list[SpeechSegment], Voice, VoiceConfig]]) -> None:
        """Send the sentences of every edition (its segments, voice and voice settings) that
        the cache lacks, each once, in batches in the editions' order. Called again (an edition
        planned anew), it sends what that one adds."""
        tally = self._tally
        batches: dict[tuple[str, float | None], _Batch] = {}
        queued: list[_Batch] = []
        for segments, voice, cfg in editions:
            key = _voice_key(voice)
            texts = dict.fromkeys(s for seg in segments for s in seg.spoken if s.strip())
            for text in texts:
                path = speech_cache_path(text, voice, cfg)
                if path in tally.editions_of:
                    tally.editions_of[path] += 1
                    continue
                tally.sentences += 1
                if path.is_file():
                    tally.cached += 1
                    tally.editions_of[path] = 1
                    continue
                tally.editions_of[path] = 1
                batch = batches.get((key, cfg.length_scale))
                if batch is None or len(batch.texts) >= self.cfg.batch_sentences:
                    batch = _Batch(key, cfg.length_scale, [], [], voice.sample_rate_hz)
                    batches[(key, cfg.length_scale)] = batch
                    queued.append(batch)
                batch.texts.append(text)
                batch.paths.append(path)
        logger.info(
            "cluster: %d sentences to speak in %d batches (%d distinct, %d cached)",
            sum(len(b.texts) for b in queued),
            len(queued),
            tally.sentences,
            tally.cached,
        )
        with self._changed:
            if self._fallen_back:
                self._leave_to_driver(queued)
                return
            if self._gave_up is not None:
                for batch in queued:
                    self._failed.update(dict.fromkeys(batch.paths, self._gave_up))
                self._changed.notify_all()
                return
            self._queue.extend(queued)
            if self._pump is None or not self._pump.is_alive() or self._pump_ending:
                if self._pump is not None:
                    self._pump.join()
                self._pump_ending = False
                self._pump = threading.Thread(
                    target=self._run, name="bulletin-cluster", daemon=True
                )
                self._pump.start()

    def wait(self, segments: list[SpeechSegment], voice: Voice, cfg: VoiceConfig) -> None:
        """Return when every sentence of ``segments`` is in the driver's cache.

        Raises:
            SynthesisError: one of them could not be spoken on the cluster.
        """
        texts = {s for seg in segments for s in seg.spoken if s.strip()}
        paths = {speech_cache_path(text, voice, cfg) for text in texts}
        with self._changed:
            while True:
                failed = [self._failed[p] for p in paths if p in self._failed]
                if failed:
                    raise SynthesisError(f"on the Ray cluster at {self.address}: {failed[0]}")
                if all(p in self._done or p in self._local or p.is_file() for p in paths):
                    return
                if self._pump is None or not self._pump.is_alive():
                    raise SynthesisError(f"the Ray cluster at {self.address} stopped speaking")
                self._changed.wait(timeout=1.0)

    @property
    def report(self) -> ClusterReport:
        tally = self._tally
        return ClusterReport(
            address=self._gcs_address,
            actors=len(self._actors),
            sentences=tally.sentences,
            cached=tally.cached,
            spoken=tally.spoken,
            shared=sum(1 for n in tally.editions_of.values() if n > 1),
            spoken_s=round(tally.spoken_s, 1),
            speaking_s=round(tally.speaking_s, 1),
            saved_s=round(tally.saved_s, 1),
            lost_batches=tally.lost_batches,
            lost_nodes=list(tally.lost_nodes),
            fallback=tally.fallback,
        )

    # -- the pump: a thread that keeps the actors busy and brings results home ---------------

    def _run(self) -> None:
        heard_s = time.monotonic()  # when a batch last came home
        checked_s = 0.0  # when the nodes were last looked at
        starved_s: float | None = None  # since when work waits and no actor can take it
        try:
            while not self._stopping:
                with self._changed:
                    if not (self._queue or self._in_flight):
                        self._pump_ending = True
                        break
                self._send()
                if time.monotonic() - checked_s >= _NODE_CHECK_S:
                    self._watch_nodes()
                    checked_s = time.monotonic()
                if self._queue and not self._can_speak():
                    starved_s = starved_s or time.monotonic()
                    if time.monotonic() - starved_s > self.cfg.wait_for_cpus_s:
                        self._starved()
                        continue
                else:
                    starved_s = None
                waiting = [*self._in_flight, *self._starting]
                if not waiting:
                    time.sleep(0.5)
                    continue
                ready, _ = self._ray.wait(waiting, num_returns=1, timeout=0.5)
                for ref in ready:
                    if ref in self._starting:
                        self._started(ref)
                    elif ref in self._in_flight:
                        self._receive(ref)
                        heard_s = time.monotonic()
                if self._in_flight and time.monotonic() - heard_s > _QUIET_WARNING_S:
                    logger.warning(
                        "cluster: nothing spoken for %.0f s; `ray status` shows whether the "
                        "actors have the CPUs they wait for",
                        time.monotonic() - heard_s,
                    )
                    heard_s = time.monotonic()
        except Exception as exc:  # a bug or a lost connection: every waiting edition is told
            logger.exception("cluster: stopped")
            self._fail_all(f"the connection to the cluster failed: {exc}")
        finally:
            with self._changed:
                self._pump_ending = True
                self._changed.notify_all()

    def _can_speak(self) -> bool:
        """Whether an actor has started and is not lost: work can go to it."""
        return any(self._actors[index] is not None for index in self._nodes)

    def _started(self, ref: Any) -> None:
        index = self._starting.pop(ref)
        try:
            self._nodes[index] = cast(str, self._ray.get(ref))
        except self._ray.exceptions.RayError as exc:
            self._actors[index] = None
            logger.warning("cluster: actor %d could not start (%s)", index, _first_line(exc))

    def _send(self) -> None:
        busy = collections.Counter(index for index, _ in self._in_flight.values())
        for index, actor in enumerate(self._actors):
            if index not in self._nodes:
                continue  # not started yet (waiting for a CPU): work would wait with it
            while actor is not None and self._queue and busy[index] < _IN_FLIGHT_PER_ACTOR:
                batch = self._queue.popleft()
                ref = actor.speak.remote(
                    self._payloads[batch.voice_key], batch.texts, batch.length_scale
                )
                self._in_flight[ref] = (index, batch)
                busy[index] += 1
        if self._queue and all(actor is None for actor in self._actors):
            self._starved("every actor was lost; see `ray status` and the actors' logs")

    def _watch_nodes(self) -> None:
        """Lose the actors of a node the cluster has declared dead, and send their batches to
        the others (Ray would hold them until it could restart those actors elsewhere)."""
        alive = {
            str(node["NodeID"])
            for node in self._ray.nodes()
            if node.get("Alive", node.get("alive"))
        }
        lost: dict[str, list[int]] = {}
        for index, where in self._nodes.items():
            if where not in self._tally.lost_nodes and where.partition("@")[0] not in alive:
                lost.setdefault(where, []).append(index)
        for where, indexes in lost.items():
            again = [(ref, batch) for ref, (i, batch) in self._in_flight.items() if i in indexes]
            for ref, batch in again:
                del self._in_flight[ref]
                if not self._lost_batch(indexes[0], batch):
                    self._fail(batch, f"the nodes speaking it were lost, the last {where}")
            for index in indexes:
                if self._actors[index] is not None:
                    try:
                        self._ray.kill(self._actors[index], no_restart=True)
                    except Exception:  # gone with its node
                        pass
                    self._actors[index] = None
            # Batches whose actor Ray found dead before the cluster declared its node so.
            resent = [b for i in indexes for b in self._resent.pop(i, [])]
            self._tally.lost_nodes.append(where)
            left = sum(1 for actor in self._actors if actor is not None)
            logger.warning(
                "cluster: node %s lost with actor%s %s; %d batch%s (%d sentences) it held sent "
                "again to the %d actor%s left",
                where,
                "" if len(indexes) == 1 else "s",
                ", ".join(str(i) for i in indexes),
                len(resent),
                "" if len(resent) == 1 else "es",
                sum(len(b.texts) for b in resent),
                left,
                "" if left == 1 else "s",
            )

    def _lost_batch(self, index: int, batch: _Batch) -> bool:
        """A batch whose actor is gone for good: queued again (to another actor; with none
        left, ``_send`` leaves it to the driver or fails it), unless it was lost too often."""
        self._tally.lost_batches += 1
        batch.lost += 1
        self._resent.setdefault(index, []).append(batch)
        if batch.lost < _ATTEMPTS:
            self._queue.appendleft(batch)
            return True
        return False

    def _lacks(self) -> str:
        """What the cluster lacks for speech, in its own numbers."""
        waiting = sum(
            1
            for index, actor in enumerate(self._actors)
            if actor is not None and index not in self._nodes
        )
        try:
            free = self._ray.available_resources().get("CPU", 0.0)
            total = self._ray.cluster_resources().get("CPU", 0.0)
        except Exception:  # the cluster itself is gone
            return "the cluster does not answer"
        need = max(waiting, 1)
        return (
            f"needs {need} CPU{'' if need == 1 else 's'} for speech; the cluster offers "
            f"{free:g} free (of {total:g})"
        )

    def _starved(self, why: str | None = None) -> None:
        """No actor can speak: fail what is left, or leave it to the driver."""
        reason = why or (
            f"no actor got a CPU in {self.cfg.wait_for_cpus_s:g} s ([cluster] wait_for_cpus_s): "
            f"{self._lacks()}"
        )
        with self._changed:
            left = [*self._queue, *(b for _, b in self._in_flight.values())]
            self._queue.clear()
            self._in_flight.clear()
            if self.cfg.fallback == "local":
                count = self._leave_to_driver(left)
                logger.warning(
                    "cluster: %s; speaking the %d sentences left on this machine "
                    '([cluster] fallback = "local")',
                    reason,
                    count,
                )
                self._fallen_back = True
            else:
                logger.error(
                    "cluster: %s; failing what is left (give the cluster the CPUs, raise "
                    '[cluster] wait_for_cpus_s, or set [cluster] fallback = "local")',
                    reason,
                )
                for batch in left:
                    self._failed.update(dict.fromkeys(batch.paths, reason))
                self._gave_up = reason
            self._changed.notify_all()

    def _leave_to_driver(self, batches: list[_Batch]) -> int:
        """Mark sentences for the driver to speak (``build_bulletin`` speaks what the cache
        lacks); called holding ``_changed``."""
        paths = [p for batch in batches for p in batch.paths if p not in self._done]
        self._local.update(paths)
        self._tally.fallback += len(paths)
        self._changed.notify_all()
        return len(paths)

    def _receive(self, ref: Any) -> None:
        ray = self._ray
        index, batch = self._in_flight.pop(ref)
        try:
            spoken, speaking_s = ray.get(ref)
        except ray.exceptions.RayActorError as exc:
            # Ray restarted it and retried the batch as often as allowed: it is gone for good.
            self._actors[index] = None
            logger.warning("cluster: actor %d lost (%s)", index, _first_line(exc)[:160])
            if not self._lost_batch(index, batch):
                self._fail(batch, f"the actors speaking it died: {_first_line(exc)}")
            return
        except ray.exceptions.RayTaskError as exc:
            cause = exc.cause if isinstance(exc.cause, SynthesisError) else exc
            self._fail(batch, str(cause))
            return
        tally = self._tally
        tally.speaking_s += speaking_s
        for path, samples in zip(batch.paths, spoken, strict=True):
            cache_speech(path, samples, batch.rate)
            seconds = samples.size / batch.rate
            tally.spoken += 1
            tally.spoken_s += seconds
            tally.saved_s += seconds * (tally.editions_of[path] - 1)
        with self._changed:
            before = len(self._done)
            self._done.update(batch.paths)
            self._changed.notify_all()
        to_speak = tally.sentences - tally.cached
        if to_speak and 10 * len(self._done) // to_speak > 10 * before // to_speak:
            logger.info("cluster: %d of %d sentences spoken", len(self._done), to_speak)

    def _fail(self, batch: _Batch, reason: str) -> None:
        with self._changed:
            self._failed.update(dict.fromkeys(batch.paths, reason))
            self._changed.notify_all()

    def _fail_all(self, reason: str) -> None:
        for batch in [*self._queue, *(b for _, b in self._in_flight.values())]:
            self._fail(batch, reason)
        self._queue.clear()
        self._in_flight.clear()
