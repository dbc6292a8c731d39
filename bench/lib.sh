# Helpers shared by the bench scripts; each sources this after changing to the repository root.

# A loopback port nothing listens on: bound once to let the OS pick it, then released.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
