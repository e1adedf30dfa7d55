"""The AI part of the seeded demo (called from tenants.demo.seed_demo): saved replies the
offline provider suggests and the AI agent answers with, and the agent switched on for the
demo brand, so `make run` shows all four features without any provider key."""

from __future__ import annotations

from ai import services
from ai.models import AIFeatureSettings
from tenants.models import Brand, Workspace
from tenants.scope import workspace_scope

DEMO_SAVED_REPLIES = [
    (
        "Where is my order",
        "You can track your order with the link in your confirmation email. Orders ship within "
        "2 working days.",
    ),
    (
        "Refunds",
        "Refunds reach your account within 5 working days of us receiving the returned item.",
    ),
    (
        "Returns",
        "You can return any item within 30 days: start a return from the Orders page of your "
        "account.",
    ),
    (
        "Password reset",
        "Use 'Forgot password' on the sign-in page and we will email you a reset link.",
    ),
    (
        "Delivery costs",
        "Delivery is free on orders over £50; otherwise standard delivery costs £3.95.",
    ),
]

DEMO_AGENT_INSTRUCTIONS = (
    "You answer questions about Acme Store orders, deliveries, returns and accounts. Be brief. "
    "Never promise compensation; hand off to a person for complaints."
)


def seed_ai_demo(*, brand: Brand) -> None:
    """Runs inside the demo workspace's scope. Once per workspace: the feature settings row it
    saves marks the demo as seeded (an admin's own changes create that row too)."""
    if AIFeatureSettings.objects.exists():
        return
    services.feature_settings_update()
    for title, body in DEMO_SAVED_REPLIES:
        services.saved_reply_create(title=title, body=body)
    services.agent_profile_update(
        brand=brand,
        enabled=True,
        instructions=DEMO_AGENT_INSTRUCTIONS,
        tone="friendly",
        blocked_topics=["Globex"],
    )


def seed_ai_demo_if_missing(*, workspace: Workspace) -> None:
    """A demo seeded before the AI features existed gets them on the next `make run`."""
    with workspace_scope(workspace.pk):
        brand = Brand.objects.order_by("id").first()
        if brand is not None:
            seed_ai_demo(brand=brand)
