"""The visitor send limit moves into PostgreSQL, next to the message it guards.

Each visitor row keeps one "theoretical arrival time" per window (``send_tat``): the generic cell
rate algorithm (GCRA), a token bucket in one timestamp. ``chat_visitor_send_take()`` locks the
visitor row, answers how many seconds to wait (0: allowed, and the place is taken) — O(1)
whatever the traffic. ``chat_visitor_message()`` takes the limits and applies them after the
client_id check (a re-sent message is answered, never refused) and before the insert, so two
tabs of one visitor cannot both take the last place. Before, the limit was two Redis round trips
ahead of the statement (chat/ratelimit.py) and was skipped while Redis was away; now it costs no
round trip and always holds. Refused sends store nothing and take no place.

A limit of N per W seconds lets N messages through at once, then one every W/N seconds
(10 per 10 s: a burst of 10, then one a second).
"""

import importlib

from django.contrib.postgres.fields import ArrayField
from django.db import migrations, models

_PREVIOUS = importlib.import_module("chat.migrations.0004_visitor_message_function")

SEND_TAKE = r"""
CREATE OR REPLACE FUNCTION chat_visitor_send_take(
    p_visitor_id bigint,
    p_counts bigint[],
    p_windows float8[]
) RETURNS float8
LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $fn$
DECLARE
    n int := coalesce(array_length(p_counts, 1), 0);
    now_ts timestamptz := clock_timestamp();
    tats timestamptz[];
    next_tats timestamptz[] := '{}';
    step interval;
    tolerance interval;
    tat timestamptz;
    wait float8 := 0;
BEGIN
    IF n = 0 THEN
        RETURN 0;
    END IF;
    SELECT send_tat INTO tats FROM chat_visitor WHERE id = p_visitor_id FOR UPDATE;
    FOR i IN 1 .. n LOOP
        step := make_interval(secs => p_windows[i] / p_counts[i]);
        tolerance := make_interval(secs => p_windows[i]) - step;
        tat := greatest(coalesce(tats[i], now_ts), now_ts);
        IF tat - now_ts > tolerance THEN
            wait := greatest(wait, extract(epoch FROM tat - now_ts - tolerance)::float8);
        END IF;
        next_tats := next_tats || (tat + step);
    END LOOP;
    IF wait > 0 THEN
        RETURN wait;
    END IF;
    UPDATE chat_visitor SET send_tat = next_tats WHERE id = p_visitor_id;
    RETURN 0;
END
$fn$;
"""

VISITOR_MESSAGE = r"""
DROP FUNCTION IF EXISTS chat_visitor_message(bigint, bigint, text, text, interval);
CREATE OR REPLACE FUNCTION chat_visitor_message(
    p_workspace_id bigint,
    p_visitor_id bigint,
    p_client_id text,
    p_body text,
    p_last_seen_resolution interval,
    p_limit_counts bigint[],
    p_limit_windows float8[]
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $fn$
DECLARE
    conv chat_conversation%ROWTYPE;
    msg chat_message%ROWTYPE;
    ws_status text;
    visitor_name text;
    reopened boolean;
    wait float8;
BEGIN
    PERFORM set_config('app.workspace_id', p_workspace_id::text, true);
    SELECT * INTO conv FROM chat_conversation
        WHERE visitor_id = p_visitor_id
        ORDER BY created_at DESC, id DESC
        LIMIT 1
        FOR UPDATE;
    IF NOT FOUND THEN
        RETURN jsonb_build_object('outcome', 'no_conversation');
    END IF;
    SELECT status INTO ws_status FROM tenants_workspace WHERE id = conv.workspace_id;
    IF ws_status IS DISTINCT FROM 'active' THEN
        RETURN jsonb_build_object('outcome', 'workspace_inactive');
    END IF;
    SELECT * INTO msg FROM chat_message
        WHERE conversation_id = conv.id AND client_id = p_client_id;
    IF FOUND THEN
        RETURN jsonb_build_object(
            'outcome', 'duplicate', 'conversation_id', conv.id, 'message_id', msg.id,
            'seq', msg.seq, 'created_at', msg.created_at, 'body', msg.body
        );
    END IF;
    wait := chat_visitor_send_take(p_visitor_id, p_limit_counts, p_limit_windows);
    IF wait > 0 THEN
        RETURN jsonb_build_object(
            'outcome', 'rate_limited', 'conversation_id', conv.id, 'retry_after', wait
        );
    END IF;
    INSERT INTO chat_message (
        workspace_id, conversation_id, seq, sender, sender_user_id, body, client_id,
        is_private, ai_metadata, created_at
    ) VALUES (
        conv.workspace_id, conv.id, conv.last_seq + 1, 'visitor', NULL, p_body, p_client_id,
        false, NULL, clock_timestamp()
    ) RETURNING * INTO msg;
    reopened := conv.status = 'resolved';
    UPDATE chat_conversation SET
        last_seq = msg.seq,
        last_public_seq = msg.seq,
        last_message_at = msg.created_at,
        status = CASE WHEN reopened THEN 'open' ELSE status END,
        resolved_at = CASE WHEN reopened THEN NULL ELSE resolved_at END
    WHERE id = conv.id;
    UPDATE chat_visitor SET last_seen_at = msg.created_at
        WHERE id = p_visitor_id AND last_seen_at <= msg.created_at - p_last_seen_resolution;
    SELECT name INTO visitor_name FROM chat_visitor WHERE id = p_visitor_id;
    RETURN jsonb_build_object(
        'outcome', 'created', 'conversation_id', conv.id, 'message_id', msg.id,
        'seq', msg.seq, 'created_at', msg.created_at, 'body', msg.body,
        'prev_public_seq', conv.last_public_seq, 'reopened', reopened,
        'visitor_name', visitor_name
    );
END
$fn$;
"""

DROP = """
DROP FUNCTION IF EXISTS chat_visitor_message(
    bigint, bigint, text, text, interval, bigint[], float8[]);
DROP FUNCTION IF EXISTS chat_visitor_send_take(bigint, bigint[], float8[]);
"""


class Migration(migrations.Migration):
    dependencies = [("chat", "0004_visitor_message_function")]

    operations = [
        migrations.AddField(
            model_name="visitor",
            name="send_tat",
            field=ArrayField(base_field=models.DateTimeField(), blank=True, default=list),
        ),
        migrations.RunSQL(sql=SEND_TAKE + VISITOR_MESSAGE, reverse_sql=DROP + _PREVIOUS.CREATE),
    ]
