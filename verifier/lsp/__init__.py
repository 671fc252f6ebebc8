"""From an editor to Whereas: the language server behind ``whereas lsp`` (docs/editor.md).

``scan`` reads a file's words and declarations, broken or not; ``positions`` converts
between the parser's positions and LSP's; ``features`` answers each request for one
document; ``server`` is the pygls server over stdio. pygls and lsprotocol are the
optional extra ``whereas[lsp]``: nothing outside this package imports them, and the
command line imports this package only to run ``whereas lsp``.
"""
