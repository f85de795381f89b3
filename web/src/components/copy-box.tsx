// A line of text to copy (the replay command), with a button that puts it on the clipboard.

import { useRef, useState } from 'preact/hooks';

export function CopyBox(props: { label: string; text: string; testid?: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>(undefined);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setCopied('yes');
    } catch {
      // No clipboard permission: select the text so that Ctrl-C copies it.
      input.current?.select();
      setCopied(document.execCommand('copy') ? 'yes' : 'no');
    }
    setTimeout(() => setCopied(undefined), 2000);
  };
  return (
    <div class="copy-box">
      <span class="copy-label">{props.label}</span>
      <input
        ref={input}
        readOnly
        value={props.text}
        data-testid={props.testid}
        onFocus={(e) => e.currentTarget.select()}
      />
      <button type="button" onClick={copy} data-testid={props.testid && `${props.testid}-copy`}>
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Press Ctrl-C' : 'Copy'}
      </button>
    </div>
  );
}
