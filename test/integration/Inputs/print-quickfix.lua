-- Prints the quickfix list, one "file:line:col: type: text" line per entry.
for _, e in ipairs(vim.fn.getqflist()) do
  io.stdout:write(string.format('%s:%d:%d: %s: %s\n', vim.fn.bufname(e.bufnr), e.lnum, e.col, e.type, e.text))
end
