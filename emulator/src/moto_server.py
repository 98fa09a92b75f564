"""moto's threaded server on argv[1]:argv[2], with a cheaper SQS clock and Cognito's
DeleteResourceServer (which moto lacks, so a destroy would retry it forever), until stdin
closes (see lib.rs)."""

import sys, time
import moto.sqs.models as sqs_models
from moto.core import utils
assert sqs_models.unix_time is utils.unix_time and sqs_models.unix_time_millis is utils.unix_time_millis
sqs_models.unix_time = lambda dt=None: time.time() if dt is None else utils.unix_time(dt)
sqs_models.unix_time_millis = lambda dt=None: time.time() * 1000.0 if dt is None else utils.unix_time_millis(dt)
import moto.cognitoidp.responses as cognito_responses
from moto.core.responses import EmptyResult
assert not hasattr(cognito_responses.CognitoIdpResponse, "delete_resource_server")


def delete_resource_server(self):
    pool_id, identifier = self._get_param("UserPoolId"), self._get_param("Identifier")
    self.backend.describe_resource_server(pool_id, identifier)  # ResourceNotFound, as AWS answers
    del self.backend.describe_user_pool(pool_id).resource_servers[identifier]
    return EmptyResult()


cognito_responses.CognitoIdpResponse.delete_resource_server = delete_resource_server
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address=sys.argv[1], port=int(sys.argv[2]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
server.stop()
