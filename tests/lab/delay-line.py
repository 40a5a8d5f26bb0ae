"""The lab's delay line (this kernel has no netem): a user-space Ethernet relay between two
interfaces that holds every frame for DELAY_MS +/- JITTER_MS in each direction.

    python3 delay-line.py <if_a> <if_b> <delay_ms> <jitter_ms>

Runs inside a namespace of its own holding both interfaces (no addresses there). Frames keep their
order (a frame never overtakes the one before it), as on a real queueing path. PACKET_VNET_HDR
keeps GSO/checksum-offload metadata, so large TCP segments and partial checksums from veth pass
through intact. Prints "ready" once both sockets are bound; stops on SIGTERM.
"""
import collections
import random
import signal
import socket
import sys
import threading
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_OUTGOING = 4


def open_socket(ifname):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    sock.bind((ifname, 0))
    return sock


class Direction:
    """Frames read on one interface, written to the other once due."""

    def __init__(self, source, target, delay, jitter):
        self.source, self.target = source, target
        self.delay, self.jitter = delay, jitter
        self.queue = collections.deque()
        self.ready = threading.Condition()
        self.last_due = 0.0

    def read(self):
        while True:
            frame, address = self.source.recvfrom(65536 + 64)
            if address[2] == PACKET_OUTGOING:
                continue  # what we wrote ourselves on this interface
            due = max(time.monotonic() + max(0.0, random.uniform(self.delay - self.jitter, self.delay + self.jitter)), self.last_due)
            self.last_due = due
            with self.ready:
                if len(self.queue) < 20000:
                    self.queue.append((due, frame))
                self.ready.notify()

    def write(self):
        while True:
            with self.ready:
                while not self.queue:
                    self.ready.wait()
                due, frame = self.queue[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self.ready.wait(wait)
                    continue
                self.queue.popleft()
            try:
                self.target.send(frame)
            except OSError:
                pass  # the link is down for a moment: the frame is lost, as it would be


def main():
    if_a, if_b, delay_ms, jitter_ms = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    a, b = open_socket(if_a), open_socket(if_b)
    for source, target in ((a, b), (b, a)):
        direction = Direction(source, target, delay_ms / 1000.0, jitter_ms / 1000.0)
        threading.Thread(target=direction.read, daemon=True).start()
        threading.Thread(target=direction.write, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
