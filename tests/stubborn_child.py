"""A child process for the local stack's stop test: holds a port, writes its pid, and ignores
SIGTERM (as a busy emulator may for a while), so only stop()'s kill ends it."""

import os
import signal
import socket
import sys
import time

if __name__ == "__main__":
    port, pid_file = int(sys.argv[1]), sys.argv[2]
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen()
    with open(pid_file, "w") as out:
        out.write(str(os.getpid()))
    while True:
        time.sleep(1)
