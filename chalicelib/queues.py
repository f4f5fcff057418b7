"""Queue names. Chalice's @app.on_sqs_message needs the name at import, so it is a constant
here and in infra/template.yaml (one stage per account/region; see docs/DEPLOY.md)."""

NOTIFICATION_QUEUE = "satupintu-notifications"
NOTIFICATION_DEAD_LETTER_QUEUE = "satupintu-notifications-dlq"
SCAN_QUEUE = "satupintu-scan"
SCAN_DEAD_LETTER_QUEUE = "satupintu-scan-dlq"
RENDER_QUEUE = "satupintu-render"
RENDER_DEAD_LETTER_QUEUE = "satupintu-render-dlq"
INTEGRATION_QUEUE = "satupintu-integrations"
# Registrations and reset requests: a queue of their own, so a flood of them (they need no
# account) never delays the notification queue's mail, and theirs is not delayed by it.
ACCOUNT_QUEUE = "satupintu-accounts"
ACCOUNT_DEAD_LETTER_QUEUE = "satupintu-accounts-dlq"
# SES bounces and complaints (configuration set → SNS topic → this queue).
MAIL_EVENT_QUEUE = "satupintu-mail-events"
INTEGRATION_DEAD_LETTER_QUEUE = "satupintu-integrations-dlq"
MAIL_EVENT_DEAD_LETTER_QUEUE = "satupintu-mail-events-dlq"
# Uploads the scan's dead-letter function could not settle either.
SCAN_UNHANDLED_QUEUE = "satupintu-scan-unhandled"
