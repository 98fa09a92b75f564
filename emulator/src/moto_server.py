"""moto's threaded server on argv[1]:argv[2], with a cheaper SQS clock, until stdin closes (see lib.rs)."""

import sys, time
import moto.sqs.models as sqs_models
from moto.core import utils
assert sqs_models.unix_time is utils.unix_time and sqs_models.unix_time_millis is utils.unix_time_millis
sqs_models.unix_time = lambda dt=None: time.time() if dt is None else utils.unix_time(dt)
sqs_models.unix_time_millis = lambda dt=None: time.time() * 1000.0 if dt is None else utils.unix_time_millis(dt)
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address=sys.argv[1], port=int(sys.argv[2]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
server.stop()
