"""chat_visitor_message(): a visitor's message to their existing conversation in one statement.

The hot path of the widget (chat.services.message_create_from_visitor): one round trip instead
of seven, with the same rules as chat.services._message_create_locked for a visitor message —
the conversation row locked, next seq, client_id dedupe, last_public_seq / last_message_at,
a resolved conversation reopened, last_seen_at refreshed at most once a minute. Anything else
(no conversation yet, workspace not active) answers an outcome and Python takes the full path.
SECURITY INVOKER: it runs as the caller, under row-level security, in the workspace it binds.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION chat_visitor_message(
    p_workspace_id bigint,
    p_visitor_id bigint,
    p_client_id text,
    p_body text,
    p_last_seen_resolution interval
) RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $fn$
DECLARE
    conv chat_conversation%ROWTYPE;
    msg chat_message%ROWTYPE;
    ws_status text;
    visitor_name text;
    reopened boolean;
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

DROP = (
    "DROP FUNCTION IF EXISTS chat_visitor_message(bigint, bigint, text, text, interval);"
)


class Migration(migrations.Migration):
    dependencies = [("chat", "0003_conversation_last_public_seq")]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
