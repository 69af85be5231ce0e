"""tiaoma's own readers, for the symbologies zxing-cpp does not read (Han Xin Code).

:mod:`tiaoma.readers.hanxin` reads Han Xin Code from a module matrix or a grey image; the
image side needs numpy (extra ``tiaoma[scan]``).
"""
