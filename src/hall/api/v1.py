"""The hall's JSON API (``/api/v1/``), its OpenAPI description at ``/api/v1/openapi.json`` and
the interactive page at ``/api/v1/docs``.

The lookups need no key (a key raises the limit); member endpoints need the member's API key
in ``X-API-Key`` and reach only that member's data. Every answer has a named schema
(:mod:`hall.api.schemas`); every error has one shape, whatever refused::

    {"error": {"code": "not_registered", "message": "…", "details": …}}
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from hall.api import errors, lookups, members, verify
from hall.api.lookups import gtin_lookup_route

__all__ = ["api", "gtin_lookup_route"]


class HallApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The endpoint's function name: a generated client's method names do not move when
        the code does."""
        return operation.view_func.__name__


api = HallApi(
    title="tiaoma 条码业务大厅 API",
    version="1.0",
    description="商品条码查询、批量核验与系统成员的编码、产品和图稿接口。"
    " Lookups, batch verification, and the members' number bank, products and artwork.",
    urls_namespace="api",
)
errors.install(api)
api.add_router("", lookups.router)
api.add_router("", verify.router)
api.add_router("", members.router)
