// Starts `whereas lsp` for .contract, .scenario and .amendment files (docs/editor.md).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace
    .getConfiguration("whereas")
    .get("server.command", ["whereas", "lsp"]);
  client = new LanguageClient(
    "whereas",
    "Whereas",
    { command, args },
    { documentSelector: [{ language: "whereas" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
