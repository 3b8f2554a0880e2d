import { useLocation, useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import { count } from '../format';
import { PROVINCE } from '../periods';
import { useData } from '../use-data';
import { Problem, Table } from '../widgets';
import { CHILD_LEVEL, LEVEL_NAMES } from '../words';
import { UnitRecord } from './unit-record';

/** 组织: search by name or pinyin, and the tree a level at a time down to the villages. */
export function Organizations() {
  const { params } = useRoute();
  const code = params.code ?? PROVINCE;
  return (
    <section>
      <Search />
      <Level code={code} />
      <UnitRecord code={code} />
    </section>
  );
}

function Search() {
  const { query, route } = useLocation();
  const [text, setText] = useState(query.q ?? '');
  const found = useData(
    (client) =>
      query.q
        ? client.organizations({ filter: { search: query.q }, first: 20 })
        : Promise.resolve(null),
    [query.q],
  );
  return (
    <div class="search">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          route(`/org?q=${encodeURIComponent(text.trim())}`);
        }}
      >
        <label for="org-search">按名称或拼音查找单位</label>
        <input
          id="org-search"
          type="search"
          value={text}
          placeholder="如：岳阳、yueyang、yy"
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit">查找</button>
      </form>
      {found.error ? <Problem error={found.error} /> : null}
      {found.data && (
        <div aria-live="polite">
          <p>找到 {count(found.data.organizations.totalCount)} 个单位</p>
          <ul class="found">
            {found.data.organizations.edges.map(({ node }) => (
              <li key={node.code}>
                <a href={`/org/${node.code}`}>{node.name}</a>{' '}
                <span class="muted">
                  {LEVEL_NAMES[node.level]} · {node.code}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** One unit, the units above it, and the units directly below with their sizes. */
function Level({ code }: { code: string }) {
  const loaded = useData(
    async (client) => {
      const [unit, tree] = await Promise.all([
        client.organization({ code }),
        client.organizationTree({ code, first: 100 }),
      ]);
      return { unit: unit.organization, tree: tree.organization };
    },
    [code],
  );
  if (loaded.error) return <Problem error={loaded.error} />;
  if (!loaded.data) return <p aria-busy="true">正在加载…</p>;
  const { unit, tree } = loaded.data;
  if (!unit || !tree) return <p>找不到代码为 {code} 的单位。</p>;
  const below = CHILD_LEVEL[unit.level];
  const sizes = [
    ['市州', tree.cities],
    ['县市区', tree.counties],
    ['乡镇（街道）', tree.townships],
    ['村（社区）', tree.villages],
  ] as const;
  return (
    <>
      <nav aria-label="上级单位" class="crumbs">
        {unit.ancestors.map((ancestor) => (
          <span key={ancestor.code}>
            <a href={`/org/${ancestor.code}`}>{ancestor.name}</a> ›{' '}
          </span>
        ))}
        <span aria-current="page">{unit.name}</span>
      </nav>
      <h1>{unit.name}</h1>
      <p class="lead">
        {LEVEL_NAMES[unit.level]} · 代码 {unit.code}
        {sizes
          .filter(([, size]) => size > 0)
          .map(([name, size]) => ` · ${name} ${count(size)} 个`)
          .join('')}
      </p>
      {tree.children.totalCount > 0 && (
        <Table
          caption={`下级${below ? LEVEL_NAMES[below] : ''}单位（${count(tree.children.totalCount)} 个）`}
        >
          <thead>
            <tr>
              <th scope="col">单位</th>
              <th scope="col">代码</th>
              <th scope="col" class="num">
                下级单位数
              </th>
            </tr>
          </thead>
          <tbody>
            {tree.children.edges.map(({ node }) => (
              <tr key={node.code}>
                <td>
                  <a href={`/org/${node.code}`}>{node.name}</a>
                </td>
                <td>{node.code}</td>
                <td class="num">{count(node.descendantCount)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {tree.children.totalCount > tree.children.edges.length && (
        <p class="muted">
          仅列出前 {count(tree.children.edges.length)} 个，可用上方查找定位其余单位。
        </p>
      )}
    </>
  );
}
