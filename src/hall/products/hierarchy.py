"""The packaging hierarchy as a tree: a retail unit, the cases that hold it, the pallets that
hold those (GS1 GenSpecs 4.2, "each → case → pallet").

A product's ``contains`` names the one product inside it and ``quantity`` how many; the tree
of a product starts at the bottom of its chain (the retail unit) and grows up through every
live package of it, level by level: one query per level, at most four levels, and a bounded
number of packages per tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hall.products.bank import MAX_DEPTH, contents_chain
from hall.products.models import Product

#: A tree shows at most this many packages (a retail unit in 200 cases and pallets is a lot).
MAX_NODES = 200


@dataclass
class Node:
    product: Product
    children: list[Node] = field(default_factory=list)
    current: bool = False


def tree(product: Product) -> Node:
    """The hierarchy ``product`` belongs to, rooted at its retail unit; ``current`` marks it."""
    root = Node(contents_chain(product)[-1])
    level = [root]
    shown = 1
    for _depth in range(MAX_DEPTH):
        if not level or shown >= MAX_NODES:
            break
        by_id = {node.product.pk: node for node in level}
        packages = (Product.objects.filter(contains_id__in=by_id, superseded=False)
                    .order_by("level", "gtin")[: MAX_NODES - shown])  # fmt: skip
        level = []
        for package in packages:
            node = Node(package)
            by_id[package.contains_id].children.append(node)  # type: ignore[index]
            level.append(node)
        shown += len(level)
    _mark(root, product.pk)
    return root


def _mark(node: Node, pk: int) -> None:
    node.current = node.product.pk == pk
    for child in node.children:
        _mark(child, pk)


def size(node: Node) -> int:
    """How many products the tree shows."""
    return 1 + sum(size(child) for child in node.children)
