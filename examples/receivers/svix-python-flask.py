# A correct OptiPick / Dimmy receiver in Flask, verifying Svix signatures by hand as
# Svix's "Verifying webhooks manually" guide describes (no `svix` package):
#   - the raw body (request.get_data(), never a re-serialized request.json);
#   - key = base64-decode of the secret after its "whsec_" prefix;
#   - signed content = "{svix-id}.{svix-timestamp}.{raw body}", HMAC-SHA256, base64;
#   - svix-signature is a space-separated list of "<version>,<signature>" entries:
#     accept when any "v1," entry matches (hmac.compare_digest), ignore other versions;
#   - refuse timestamps more than 5 minutes from now, either way.
# Every refusal is a 400 (never a 5xx: a malformed header must not raise). Each svix-id is
# processed once; a redelivery gets 200 {"duplicate": true}. Like the hand-written Node
# verifiers here it falls back to the webhook-* headers (Standard Webhooks style).
#
#   PORT=3000 HOOKGATE_SECRET=whsec_… python3 examples/receivers/svix-python-flask.py
#
# Webhook: POST /webhook. Test hook for hookgate's effects observer: GET /_effects lists
# the svix-id of every message processed (one entry per processing).
# Needs Flask (2.2+; Debian's python3-flask for /usr/bin/python3). No body size limit.
import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
import time

from flask import Flask, jsonify, request

TOLERANCE_SEC = 5 * 60


class VerificationError(Exception):
    pass


def secret_key(secret: str) -> bytes:
    if secret.startswith('whsec_'):
        secret = secret[len('whsec_'):]
    return base64.b64decode(secret)


def header(name: str):
    # request.headers is case-insensitive; svix-* first, then the webhook-* spelling.
    return request.headers.get('svix-' + name) or request.headers.get('webhook-' + name)


def verify(key: bytes, body: bytes) -> None:
    msg_id, ts, sig_header = header('id'), header('timestamp'), header('signature')
    if not msg_id or not ts or not sig_header:
        raise VerificationError('missing required headers')
    if not ts.isascii() or not ts.isdigit():
        raise VerificationError('invalid timestamp')
    if abs(int(time.time()) - int(ts)) > TOLERANCE_SEC:
        raise VerificationError('timestamp outside the 5-minute window')
    signed_content = msg_id.encode('utf-8') + b'.' + ts.encode('ascii') + b'.' + body
    expected = base64.b64encode(hmac.new(key, signed_content, hashlib.sha256).digest())
    for entry in sig_header.split(' '):
        version, _, signature = entry.partition(',')
        if version != 'v1' or not signature:
            continue
        # Headers arrive as latin-1 text; compare bytes so a non-ASCII value is a mismatch, not a TypeError.
        if hmac.compare_digest(expected, signature.encode('utf-8')):
            return
    raise VerificationError('no matching signature')


def create_app(secret: str) -> Flask:
    key = secret_key(secret)
    app = Flask(__name__)
    lock = threading.Lock()
    seen = set()
    effects = []

    @app.post('/webhook')
    def webhook():
        body = request.get_data()  # the exact bytes, whatever the Content-Type
        try:
            verify(key, body)
        except (VerificationError, ValueError, binascii.Error):
            return jsonify({'error': 'invalid signature'}), 400
        msg_id = header('id')
        with lock:  # check-and-add in one step: simultaneous copies must not all pass
            if msg_id in seen:
                return jsonify({'received': True, 'duplicate': True}), 200
            seen.add(msg_id)
            effects.append(msg_id)
        # A real receiver would enqueue the work here (e.g. fetch details by request_id / item_ids).
        return jsonify({'received': True}), 200

    @app.get('/_effects')
    def list_effects():
        with lock:
            return app.response_class(json.dumps(effects), mimetype='application/json')

    return app


if __name__ == '__main__':
    app = create_app(os.environ.get('HOOKGATE_SECRET') or os.environ['WEBHOOK_SECRET'])
    # threaded: the dev server answers concurrent deliveries (its default since Flask 1.0).
    app.run(host='127.0.0.1', port=int(os.environ.get('PORT', '3000')), threaded=True)
