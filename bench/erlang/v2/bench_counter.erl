%% Version 2 of the upgraded gen_server: one more state field, filled with 0 by code_change
%% (as Molt's default import fills a new record component). See v1/bench_counter.erl.
-module(bench_counter).
-behaviour(gen_server).
-vsn(2).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

init(Counter) ->
    put(counter, Counter),
    {ok, {count, 0, 0}}.

handle_call(state, _From, State) ->
    {reply, State, State}.

handle_cast(_Msg, {count, N, Since}) ->
    counters:add(get(counter), 1, 1),
    {noreply, {count, N + 1, Since + 1}};
handle_cast(_Msg, {count, N}) ->
    counters:add(get(counter), 1, 1),
    {noreply, {count, N + 1, 1}}.

code_change(_OldVsn, {count, N}, _Extra) ->
    {ok, {count, N, 0}};
code_change(_OldVsn, State, _Extra) ->
    {ok, State}.
