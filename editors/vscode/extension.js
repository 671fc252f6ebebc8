// Starts `whereas lsp` for .contract, .scenario and .amendment files (docs/editor.md),
// and starts it again when the setting whereas.server.command changes.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function makeClient() {
  const [command, ...args] = vscode.workspace
    .getConfiguration("whereas")
    .get("server.command", ["whereas", "lsp"]);
  return new LanguageClient(
    "whereas",
    "Whereas",
    { command, args },
    { documentSelector: [{ language: "whereas" }] }
  );
}

function activate(context) {
  client = makeClient();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("whereas.server.command")) {
        return;
      }
      if (client) {
        await client.stop();
      }
      client = makeClient();
      await client.start();
    }),
    { dispose: () => (client ? client.stop() : undefined) }
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
