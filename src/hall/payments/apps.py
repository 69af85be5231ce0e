from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "hall.payments"
    verbose_name = _("缴费")

    def ready(self) -> None:
        # Models load only once the registry is ready, so these imports wait for ready().
        from hall.applications import workflow  # noqa: PLC0415
        from hall.jobs import registry  # noqa: PLC0415
        from hall.payments import orders, refunds, tasks  # noqa: PLC0415
        from hall.payments.gateways import gateways_build  # noqa: PLC0415

        gateways_build()
        for action in orders.FEE_GUARDED:
            workflow.GUARDS[action].append(orders.fee_paid)
        workflow.ON_CLOSED.append(orders.orders_close_pending)
        workflow.ON_CLOSED.append(refunds.refund_closed)
        #: Yesterday's orders against notifications and gateway queries, for finance staff.
        registry.register("reconcile", tasks.reconcile_yesterday, daily_at=3)
        #: Lost notifications: every 10 minutes the gateway is asked about pending orders.
        registry.register("orders_settle", tasks.orders_settle, every_minutes=10)
