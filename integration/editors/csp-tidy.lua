-- Neovim: `:CspTidy [args]` runs csp-tidy on the current file and puts its
-- findings and notes in the quickfix list (clangd cannot load clang-tidy
-- plugins, so the editor runs the driver itself).
--
-- Install: copy to ~/.config/nvim/plugin/csp-tidy.lua, or `:luafile` it.
-- Arguments go to csp-tidy, e.g. `:CspTidy -p build`; g:csp_tidy names the
-- binary (default: csp-tidy on PATH). Run on save with
--   vim.api.nvim_create_autocmd('BufWritePost', {pattern = {'*.cpp', '*.cc'},
--     command = 'silent CspTidy'})

-- clang's "file:line:col: warning: message [check]", and the tool's own
-- "csp-tidy: error: ..." (exit 2: bad flags or configuration, a file that
-- does not compile), which names no place; the source excerpts and the
-- summary are dropped.
local errorformat = table.concat({
  '%f:%l:%c: fatal %trror: %m',
  '%f:%l:%c: %trror: %m',
  '%f:%l:%c: %tarning: %m',
  '%f:%l:%c: %tote: %m',
  'csp-tidy: %trror: %m',
  '%-G%.%#',
}, ',')

vim.api.nvim_create_user_command('CspTidy', function(opts)
  local tidy = vim.g.csp_tidy or 'csp-tidy'
  local cmd = { tidy, '-quiet', vim.fn.expand('%:p') }
  -- Flags after `--` must come last, after the file.
  vim.list_extend(cmd, opts.fargs)
  if vim.fn.executable(tidy) == 0 then
    vim.notify('csp-tidy: ' .. tidy .. ' not found; set g:csp_tidy', vim.log.levels.ERROR)
    return
  end
  -- systemlist, not vim.system: Debian 12's Neovim is 0.7.
  local lines = vim.fn.systemlist(cmd)
  local status = vim.v.shell_error
  vim.fn.setqflist({}, ' ', { title = 'csp-tidy', lines = lines, efm = errorformat })
  if status == 2 then
    -- The tool's own words, not a summary of them.
    local errors = vim.tbl_filter(function(line)
      return line:match('^csp%-tidy: error: ') ~= nil
    end, lines)
    if #errors == 0 then
      errors = { 'csp-tidy: exited 2 (see :copen)' }
    end
    vim.notify(table.concat(errors, '\n'), vim.log.levels.ERROR)
  end
  vim.cmd('cwindow')
end, { nargs = '*', desc = 'csp-tidy findings in the quickfix list' })
