import vscode = require('vscode');

/** The "Outcome Lens" output channel: what the extension did and every error it met (never swallowed). */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Outcome Lens', { log: true });

  info(message: string): void {
    this.channel.info(message);
  }

  error(message: string, e?: unknown): void {
    this.channel.error(`${message}${e ? `: ${e instanceof Error ? e.message : String(e)}` : ''}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
