# ---------------------------------------------------------------------------
# Pasted unchanged from the OmniSales guide (seeds/004_…, "Security &
# Authentication → Verifying the Signature → Python Example", the Flask one).
# From the end of this header to the next rule line is the guide's code byte
# for byte; only the block at the end of the file is added: the minimum to run
# it (secret and port from the environment, loopback only). Known flaws: README.md here.
#   PORT=… WEBHOOK_SECRET=whsec_… python3 examples/receivers/omnisales-python-flask.py
# Webhook: POST /webhooks (the guide's Flask route, not /webhooks/omni).
# ---------------------------------------------------------------------------

import hmac
import hashlib
import time

def verify_webhook_signature(payload: str, signature: str, secret: str, timestamp: int) -> bool:
    # Check timestamp
    current_time = int(time.time())
    if abs(current_time - timestamp) > 300:  # 5 minutes
        return False

    # Compute expected signature
    expected_signature = hmac.new(
        secret.encode('utf-8'),
        payload.encode('utf-8'),
        hashlib.sha256
    ).hexdigest()

    # Timing-safe comparison
    return hmac.compare_digest(signature, expected_signature)

# Flask example
from flask import Flask, request, jsonify

app = Flask(__name__)

@app.route('/webhooks', methods=['POST'])
def handle_webhook():
    signature = request.headers.get('X-Webhook-Signature')
    timestamp = int(request.headers.get('X-Webhook-Timestamp'))
    payload = request.data.decode('utf-8')

    if not verify_webhook_signature(payload, signature, YOUR_SECRET, timestamp):
        return jsonify({'error': 'Invalid signature'}), 401

    # Process webhook
    data = request.json
    print(f'Webhook received: {data}')

    return jsonify({'received': True}), 200

# ---------------------------------------------------------------------------
# Added (not from the guide): the minimum to run the pasted code.
# WEBHOOK_SECRET, or HOOKGATE_SECRET as `hookgate check --start` provides it.
import os

YOUR_SECRET = os.environ.get('WEBHOOK_SECRET') or os.environ['HOOKGATE_SECRET']

if __name__ == '__main__':
    # PORT=0 picks a free port; werkzeug prints the real one ("Running on http://127.0.0.1:N").
    app.run(host='127.0.0.1', port=int(os.environ.get('PORT', '5000')))
