"""Many people on one process: latency and throughput over Streamlit's own WebSocket protocol.

Each simulated person is a WebSocket client speaking Streamlit's protocol (the protobuf
messages its browser front end sends and reads): it opens a page, then changes a number
and waits for the page's run to finish, again and again, with a pause between actions
like a person's. The server is one `streamlit run app.py` process; its own CPU time is
read from /proc around the whole run.

  - students: the What-if explorer, a value changed (the rules run again, the reasoning
    redrawn), a pause of 1-3 s between actions;
  - clinicians: the Consultation page, a number typed (the draft kept in the record), a
    pause of 2-6 s between actions.

Printed for each group size: actions a second, latency p50 and p95 (press to the page's
run finished), the server's CPU seconds per action.

Run: uv run python bench/bench_users.py [--students 10 20 40] [--clinicians 5 10 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from bench.bench_load import cpu_seconds, serve  # noqa: E402

ACTIONS = 6  # each person's actions in a run


class Person:
    """One browser's session, as Streamlit's front end speaks to the server."""

    def __init__(self, url: str, page: str, label: str) -> None:
        self.url, self.page, self.label = url, page, label
        self.widget: str | None = None
        self.socket: object = None

    async def _run(self, value: int | None) -> float:
        """Ask for a run (with the number set, when given); seconds until it finished."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_name = self.page
        if value is not None and self.widget is not None:
            widget = state.widget_states.widgets.add()
            widget.id, widget.int_value = self.widget, value
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())  # type: ignore[attr-defined]
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.socket.recv())  # type: ignore[attr-defined]
            if reply.WhichOneof("type") == "delta" and self.widget is None:
                element = reply.delta.new_element
                kind = element.WhichOneof("type")
                if kind == "number_input" and element.number_input.label == self.label:
                    self.widget = element.number_input.id
            if reply.WhichOneof("type") == "script_finished":
                return time.perf_counter() - start

    async def act(self, actions: int, pause: tuple[float, float], times: list[float]) -> None:
        import websockets

        host = self.url.removeprefix("http://")
        async with websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,  # type: ignore[list-item]
        ) as socket:
            self.socket = socket
            await self._run(None)  # the page opens
            if self.widget is None:
                raise RuntimeError(
                    f"no number box {self.label!r} on {self.page or 'the first page'}"
                )
            for i in range(actions):
                await asyncio.sleep(random.uniform(*pause))
                times.append(await self._run(30 + (i % 40)))


async def crowd(
    url: str, people: int, page: str, label: str, pause: tuple[float, float]
) -> list[float]:
    times: list[float] = []
    await asyncio.gather(
        *(Person(url, page, label).act(ACTIONS, pause, times) for _ in range(people))
    )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--students", type=int, nargs="*", default=[10, 20, 40])
    parser.add_argument("--clinicians", type=int, nargs="*", default=[5, 10, 20])
    args = parser.parse_args()
    random.seed(7)
    print(f"one process; each person {ACTIONS} actions; load average {os.getloadavg()[0]:.2f}")
    print(f"{'who':<12}{'people':>7}{'actions/s':>11}{'p50':>9}{'p95':>9}{'CPU/action':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        env = {"WALKBACK_DB_URL": f"sqlite:///{Path(tmp) / 'record.db'}"}
        for who, sizes, page, label, pause in (
            ("students", args.students, "explorer", "Age", (1.0, 3.0)),
            ("clinicians", args.clinicians, "", "Age (years)", (2.0, 6.0)),
        ):
            for people in sizes:
                proc, url = serve("app.py", ROOT, env)
                try:
                    asyncio.run(crowd(url, 1, page, label, (0.0, 0.0)))  # warm the pages
                    cpu, start = cpu_seconds(proc.pid), time.perf_counter()
                    times = asyncio.run(crowd(url, people, page, label, pause))
                    wall, used = time.perf_counter() - start, cpu_seconds(proc.pid) - cpu
                finally:
                    proc.terminate()
                    proc.wait()
                ms = sorted(t * 1000 for t in times)
                p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
                print(
                    f"{who:<12}{people:>7}{len(ms) / wall:>11.1f}{statistics.median(ms):>7.0f}ms"
                    f"{p95:>7.0f}ms{used / len(ms) * 1000:>10.0f}ms"
                )


if __name__ == "__main__":
    main()
