import { useEffect, useState } from 'preact/hooks';
import { askLocalAdmin, localAdminOffered } from './session';
import { useData } from './use-data';
import { problem } from './words';

const ROLE_NAMES: Record<string, string> = {
  PROVINCE_ADMIN: '省级管理员',
  EDITOR: '填报员',
  REVIEWER: '审核员',
  VIEWER: '查看员',
};

/**
 * Who is signed in, and the way in: a staff token pasted once (kept for this tab), or, where
 * the server offers it (local mode on loopback), the local admin in one click.
 */
export function SignIn({
  token,
  onChange,
}: {
  token: string | null;
  onChange: (token: string | null) => void;
}) {
  const [open, setOpen] = useState(false);
  const [pasted, setPasted] = useState('');
  const [local, setLocal] = useState(false);
  const viewer = useData((client) => client.viewer(), []);
  useEffect(() => {
    void localAdminOffered().then(setLocal);
  }, []);

  const who = viewer.data?.viewer;
  if (token !== null) {
    return (
      <div class="who">
        <span data-testid="viewer">
          {who?.kind === 'STAFF'
            ? `${who.organization?.name ?? ''} · ${ROLE_NAMES[who.role ?? ''] ?? who.role}`
            : viewer.error
              ? problem(viewer.error)
              : '已登录'}
        </span>
        <button type="button" onClick={() => onChange(null)}>
          退出
        </button>
      </div>
    );
  }
  return (
    <div class="who">
      <span data-testid="viewer">访客（仅公开数据）</span>
      {local && (
        <button
          type="button"
          onClick={() => void askLocalAdmin().then((admin) => admin && onChange(admin))}
        >
          本机管理员一键登录
        </button>
      )}
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        登录
      </button>
      {open && (
        <form
          class="sign-in"
          onSubmit={(event) => {
            event.preventDefault();
            if (pasted.trim()) onChange(pasted.trim());
          }}
        >
          <label>
            访问令牌（工作人员令牌，仅保存在本标签页）
            <textarea
              rows={3}
              value={pasted}
              onInput={(event) => setPasted(event.currentTarget.value)}
            />
          </label>
          <button type="submit">登录</button>
        </form>
      )}
    </div>
  );
}
