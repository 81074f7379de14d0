"""HTTP for bench/multi_node.py: keep-alive connections to each web node, alternating node per request."""
import http.client
import json
import time
from dataclasses import dataclass

IDLE_RECONNECT_SECONDS = 2.0  # below gunicorn's keepalive (5 s): never send on a connection it may have closed


@dataclass(frozen=True)
class Node:
    host: str
    port: int

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"


class NodeClient:
    """One connection per node for one thread; request n goes to node n % len(nodes)."""

    def __init__(self, nodes: list[Node], tokens: dict[str, str]):
        self.nodes, self.tokens = nodes, tokens
        self.connections: list[http.client.HTTPConnection | None] = [None] * len(nodes)
        self.last_used = [0.0] * len(nodes)
        self.sent = 0
        self.served = [0] * len(nodes)

    def _connection(self, index: int) -> http.client.HTTPConnection:
        now = time.monotonic()
        connection = self.connections[index]
        if connection is not None and now - self.last_used[index] > IDLE_RECONNECT_SECONDS:
            connection.close()
            connection = None
        if connection is None:
            node = self.nodes[index]
            connection = self.connections[index] = http.client.HTTPConnection(node.host, node.port, timeout=180)
        self.last_used[index] = now
        return connection

    def send(self, user: str | None, method: str, path: str, body=None) -> tuple[int, object]:
        """One request on the next node; (status, parsed JSON body or text)."""
        index = self.sent % len(self.nodes)
        self.sent += 1
        headers = {"Content-Type": "application/json"}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        connection = self._connection(index)
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except Exception:
            connection.close()
            self.connections[index] = None
            raise
        self.served[index] += 1
        self.last_used[index] = time.monotonic()
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(raw)
        return response.status, raw.decode("utf-8", "replace")

    def close(self) -> None:
        for connection in self.connections:
            if connection is not None:
                connection.close()
