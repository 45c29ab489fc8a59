%% Version 1 of the upgraded gen_server (bench/erlang/molt_bench.erl drives it). Its state is
%% {count, N}; version 2's is {count, N, Since}. Both versions accept both shapes in every
%% callback: in a rolling upgrade the new module is loaded first and a process that has not yet
%% been through sys:change_code runs the new module's handle_cast on its old state.
-module(bench_counter).
-behaviour(gen_server).
-vsn(1).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

init(Counter) ->
    put(counter, Counter),
    {ok, {count, 0}}.

handle_call(state, _From, State) ->
    {reply, State, State}.

handle_cast(_Msg, {count, N}) ->
    counters:add(get(counter), 1, 1),
    {noreply, {count, N + 1}};
handle_cast(_Msg, {count, N, _Since}) ->
    counters:add(get(counter), 1, 1),
    {noreply, {count, N + 1}}.

code_change(_OldVsn, {count, N, _Since}, _Extra) ->
    {ok, {count, N}};
code_change(_OldVsn, State, _Extra) ->
    {ok, State}.
