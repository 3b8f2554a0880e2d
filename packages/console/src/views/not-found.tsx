export function NotFound() {
  return (
    <section>
      <h1>页面不存在</h1>
      <p>
        请从上方栏目进入，或返回<a href="/">首页</a>。
      </p>
    </section>
  );
}
